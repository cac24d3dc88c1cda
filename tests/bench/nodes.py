"""Time spent per template tag and include on one reader page, in process
(Django test client, DEBUG off, no page cache), against a benchmark database.

    DATABASE_URL=postgres://…/omag_bench_small python tests/bench/nodes.py PATH

Times nest: an include's time holds the tags inside it.
"""

import collections
import sys
import time

from inprocess import setup

setup(page_cache=False)

from django.template import defaulttags, library, loader_tags  # noqa: E402
from django.test import Client  # noqa: E402

spent = collections.Counter()
calls = collections.Counter()


def timed(node_class, name_of):
    render = node_class.render

    def timed_render(self, context):
        start = time.perf_counter()
        try:
            return render(self, context)
        finally:
            name = name_of(self)
            spent[name] += time.perf_counter() - start
            calls[name] += 1

    node_class.render = timed_render


timed(library.InclusionNode, lambda node: f"inclusion tag {node.func.__name__}")
timed(library.SimpleNode, lambda node: f"simple tag {node.func.__name__}")
timed(loader_tags.IncludeNode, lambda node: f"include {node.template.var}")
timed(defaulttags.URLNode, lambda node: "{% url %}")


def main(path: str, requests: int):
    client = Client()
    for _ in range(10):
        assert client.get(path).status_code == 200
    spent.clear()
    calls.clear()
    start = time.perf_counter()
    for _ in range(requests):
        client.get(path)
    total = (time.perf_counter() - start) / requests * 1000
    print(f"{path}: {total:.2f} ms per request (timing included)")
    for name, seconds in spent.most_common(20):
        print(
            f"  {name:52} {seconds / requests * 1000:6.2f} ms"
            f"  x{calls[name] // requests}"
        )


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 50)
