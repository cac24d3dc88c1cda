"""Full-text search: a stored, GIN-indexed search vector kept current by a
PostgreSQL trigger, a French text search configuration that ignores accents,
and a trigram index for spelling suggestions.

The vector is computed by a trigger rather than in Article.save() so that every
write path keeps it current (QuerySet.update(), bulk_create, data migrations,
raw SQL) without an extra query per save. On SQLite only the (unused) column is
added: search falls back to a simpler LIKE search there.
"""

import django.contrib.postgres.search
from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

FORWARD_SQL = [
    # french + unaccent: "crimee" matches "Crimée", "troupes" matches "troupe".
    """
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = pg_catalog.french);
        ALTER TEXT SEARCH CONFIGURATION french_unaccent
          ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
      END IF;
    END $$;
    """,
    # unaccent() is only STABLE; an index expression needs an IMMUTABLE function.
    """
    CREATE OR REPLACE FUNCTION omag_unaccent(text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
      AS $$ SELECT unaccent('unaccent', $1) $$;
    """,
    """
    CREATE OR REPLACE FUNCTION articles_article_search_vector() RETURNS trigger
      LANGUAGE plpgsql AS $$
    BEGIN
      NEW.search_vector :=
        setweight(to_tsvector('french_unaccent', coalesce(NEW.title, '')), 'A') ||
        setweight(to_tsvector('french_unaccent', coalesce(NEW.standfirst, '')), 'B') ||
        setweight(to_tsvector('french_unaccent',
          regexp_replace(coalesce(NEW.body, ''), '<[^>]*>', ' ', 'g')), 'C');
      RETURN NEW;
    END $$;
    """,
    """
    CREATE TRIGGER articles_article_search_vector_update
      BEFORE INSERT OR UPDATE OF title, standfirst, body ON articles_article
      FOR EACH ROW EXECUTE FUNCTION articles_article_search_vector();
    """,
    "UPDATE articles_article SET title = title;",
    """
    CREATE INDEX articles_article_search_idx ON articles_article
      USING gin (search_vector);
    """,
    """
    CREATE INDEX articles_article_trgm_idx ON articles_article
      USING gin (omag_unaccent(title || ' ' || standfirst) gin_trgm_ops);
    """,
]

BACKWARD_SQL = [
    "DROP INDEX IF EXISTS articles_article_trgm_idx;",
    "DROP INDEX IF EXISTS articles_article_search_idx;",
    "DROP TRIGGER IF EXISTS articles_article_search_vector_update ON articles_article;",
    "DROP FUNCTION IF EXISTS articles_article_search_vector();",
    "DROP FUNCTION IF EXISTS omag_unaccent(text);",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent;",
]


def run_on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
    ]

    operations = [
        UnaccentExtension(),
        TrigramExtension(),
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True
            ),
        ),
        migrations.RunPython(
            run_on_postgresql(FORWARD_SQL), run_on_postgresql(BACKWARD_SQL)
        ),
    ]
