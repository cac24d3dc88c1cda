"""Which generated articles the benchmark reads, shared by prepare.py (which
gives them their comments) and cpu.py (which reads them in process). Plain
Python: no Django needed to import it."""

# Cold articles: each request a different one, over more articles than any
# per-process store keeps, spread evenly over the archive.
COLD_ARTICLES = 500
# Every tenth cold article has as many comments as the measured article.
HEAVY_EVERY = 10
HEAVY_THREADS, HEAVY_REPLIES = 150, 50


def cold_slugs(generated: int) -> list[str]:
    """The cold articles among `generated` generated ones (gen-article-N)."""
    step = max(1, generated // COLD_ARTICLES)
    return [f"gen-article-{n * step}" for n in range(min(COLD_ARTICLES, generated))]


def heavy_slugs(generated: int) -> list[str]:
    return cold_slugs(generated)[::HEAVY_EVERY]
