"""`make faults`: every fault and several-node scenario on ONE private stack
(PostgreSQL and Redis of their own, prepared once: migrating and loading the
demo takes a minute). Bounded by `timeout` in the Makefile."""

import sys

import pg_restart
import redis_stop
import two_nodes
from harness import main

if __name__ == "__main__":
    sys.exit(main(two_nodes.scenario, redis_stop.scenario, pg_restart.scenario))
