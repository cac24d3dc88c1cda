"""EXPLAIN (ANALYZE) every SQL query the reader pages run, on the database in
DATABASE_URL (the large data set), and report any sequential scan of the
articles or comments tables. Exit status 1 when one is found.

    DATABASE_URL=postgres://… python tests/bench/explain.py [--verbose]
"""

import re
import sys

from inprocess import setup

setup(page_cache=False)

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from articles.models import Article, Author, Section, Tag  # noqa: E402

WATCHED = re.compile(r"Seq Scan on (articles_article|comments_comment)\b")


def reader_pages():
    article = Article.objects.published().newest_first().first()
    middle = Article.objects.published().newest_first()[
        Article.objects.published().count() // 2
    ]
    section = Section.objects.order_by("-pk").first()
    author = Author.objects.order_by("-pk").first()
    tag = Tag.objects.order_by("-pk").first()
    return {
        "home": "/",
        "section": section.get_absolute_url(),
        "section page 50": section.get_absolute_url() + "?page=50",
        "author": author.get_absolute_url(),
        "tag": tag.get_absolute_url(),
        "article (newest)": article.get_absolute_url(),
        "article (middle)": middle.get_absolute_url(),
    } | (
        # The measured article of `make bench`: 200 comments, 5 related links.
        {"article (bench)": "/article/bench-article/"}
        if Article.objects.filter(slug="bench-article").exists()
        else {}
    )


def main(verbose=False):
    if connection.vendor != "postgresql":
        sys.exit("EXPLAIN needs PostgreSQL: set DATABASE_URL=postgres://…")
    client = Client()
    bad = []
    queries = []

    def record(execute, sql, params, many, context):
        # The SQL and its values as run: Django's query log shows only
        # placeholders for queries that bind their values on the server.
        queries.append((sql, params))
        return execute(sql, params, many, context)

    for name, url in reader_pages().items():
        queries.clear()
        with connection.execute_wrapper(record):
            status = client.get(url).status_code
        print(f"{name:18} {url:50} {status} {len(queries)} queries")
        if status != 200:
            # A redirect or an error page runs none of the page's queries.
            bad.append((name, f"answered {status}"))
            continue
        for sql, params in queries:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            timing = re.search(r"Execution Time: ([\d.]+) ms", plan)
            seq = WATCHED.findall(plan)
            flag = "  SEQ SCAN: " + ", ".join(seq) if seq else ""
            print(f"    {float(timing.group(1)):8.2f} ms  {sql[:90]}{flag}")
            if verbose or seq:
                print("      " + plan.replace("\n", "\n      "))
            if seq:
                bad.append((name, sql))
    if bad:
        print(f"\n{len(bad)} pages did not answer 200 or scan a whole table:")
        for name, what in bad:
            print(f"  {name}: {what[:120]}")
        return 1
    print("\nNo reader page scans the articles or comments tables sequentially.")
    return 0


if __name__ == "__main__":
    sys.exit(main(verbose="--verbose" in sys.argv))
