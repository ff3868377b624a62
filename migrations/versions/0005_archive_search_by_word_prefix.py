"""archive search: the same words found on SQLite and PostgreSQL, fast for common words

Both databases now match what a person types the same way: case and accents ignored, each word
by prefix of its lightly stemmed form (governance/archive/query.py), "phrases" as written, in
every language of a motion. Motions whose title holds the words come first, then the newest.

- Both: an index on motions (year, status), so that the timeline is counted from the index.
- SQLite keeps its FTS5 table. New: a covering index on motion_texts (id, motion_id), so that
  mapping thousands of matching texts to their motions does not read the texts themselves.
- PostgreSQL: the per-language stemmed vectors of 0003 found fewer motions than SQLite for
  common words (no prefixes) and lived in motion_texts, whose wide rows made every match read
  a page of text; ranking every match detoasted its vector (p95 above a second for a word in
  every motion). They are replaced by a narrow table, search_motion_texts (one row per text:
  its motion, a vector of all its words, a small vector of its title's words) that a trigger
  keeps in step, one text search configuration (asamblea_words: `simple` with `unaccent`),
  and a function that reads the GIN index (see search_motion_matches below).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 21:40:00
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy.exc import DBAPIError

revision: str = '0005'
down_revision: str | Sequence[str] | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# 0003's per-language configurations, removed here and restored by the downgrade.
STEMMED_CONFIGS = {"es": "spanish", "en": "english", "pt": "portuguese", "fr": "french"}
# ASCII punctuation becomes a space before PostgreSQL's parser sees the text, so that it splits
# words where SQLite's unicode61 tokenizer does: its parser would keep "GA-2010-03" as the
# signed integers "-2010" and "-03", and "fairtrade.net" or "3.5" as one token. (translate,
# not a regular expression: character classes would depend on the database's locale.)
PUNCTUATION = "!\"#$&'()*+,-./:;<=>?@[]^_`{|}~"  # but % and the backslash, which drivers treat apart


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    # The timeline (motions per year of the public archive) read from the index alone.
    op.execute("CREATE INDEX search_motion_years ON motions (year, status)")
    if dialect == "sqlite":
        op.execute("CREATE INDEX search_motion_text_owner ON motion_texts (id, motion_id)")
    elif dialect == "postgresql":
        _drop_stemmed_vectors()
        _create_word_search()


def _has_unaccent() -> bool:
    bind = op.get_bind()
    # Installing an extension needs rights the database owner may lack; in a savepoint, so
    # that a refusal leaves the migration going, with accents then matched as written.
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS unaccent")
    except DBAPIError:
        pass
    return bind.exec_driver_sql(
        "SELECT 1 FROM pg_extension WHERE extname = 'unaccent'").scalar() is not None


def _create_word_search() -> None:
    spaces = " " * len(PUNCTUATION)
    literal = PUNCTUATION.replace("'", "''")
    op.execute("CREATE TEXT SEARCH CONFIGURATION asamblea_words (COPY = simple)")
    if _has_unaccent():
        op.execute("ALTER TEXT SEARCH CONFIGURATION asamblea_words ALTER MAPPING FOR "
                   "word, numword, hword, hword_part, numhword WITH unaccent, simple")
    op.execute(
        "CREATE FUNCTION search_words(text) RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$ "
        f"SELECT to_tsvector('asamblea_words'::regconfig, translate($1, '{literal}', "
        f"'{spaces}')) $$"
    )
    op.execute(
        "CREATE TABLE search_motion_texts ("
        "text_id integer PRIMARY KEY REFERENCES motion_texts (id) ON DELETE CASCADE, "
        "motion_id integer NOT NULL, words tsvector NOT NULL, title_words tsvector NOT NULL)"
    )
    # Out of line and uncompressed: a phrase is checked against the positions in `words`,
    # read for each candidate text, and reading beats decompressing.
    op.execute("ALTER TABLE search_motion_texts ALTER COLUMN words SET STORAGE EXTERNAL")
    op.execute("CREATE INDEX search_motion_texts_words ON search_motion_texts USING gin (words)")
    op.execute(
        "CREATE FUNCTION search_motion_texts_refresh() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN "
        "INSERT INTO search_motion_texts (text_id, motion_id, words, title_words) VALUES "
        "(NEW.id, NEW.motion_id, search_words(NEW.title || ' ' || NEW.search_text), "
        "search_words(NEW.title)) ON CONFLICT (text_id) DO UPDATE SET "
        "motion_id = EXCLUDED.motion_id, words = EXCLUDED.words, "
        "title_words = EXCLUDED.title_words; "
        "RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER search_motion_texts_refresh AFTER INSERT OR UPDATE OF title, "
        "search_text, motion_id ON motion_texts FOR EACH ROW "
        "EXECUTE FUNCTION search_motion_texts_refresh()"
    )
    op.execute("INSERT INTO search_motion_texts (text_id, motion_id, words, title_words) "
               "SELECT id, motion_id, search_words(title || ' ' || search_text), "
               "search_words(title) FROM motion_texts")
    # The matching texts of a query, and whether their title holds it too. The planner cannot
    # know that testing a vector row by row reads it from TOAST; for a word found in most
    # texts it would scan the table doing exactly that (about 7 µs a text) instead of taking
    # the rows the GIN index names, which it reads without opening a vector. Hence seq scans
    # off, for this one statement.
    op.execute(
        "CREATE FUNCTION search_motion_matches(query tsquery) "
        "RETURNS TABLE (motion_id integer, in_title boolean) "
        "LANGUAGE sql STABLE SET enable_seqscan = off AS $$ "
        "SELECT t.motion_id, t.title_words @@ query FROM search_motion_texts AS t "
        "WHERE t.words @@ query $$"
    )


def _drop_stemmed_vectors() -> None:
    for language in STEMMED_CONFIGS:
        op.execute(f"DROP INDEX IF EXISTS search_motion_texts_{language}")
    op.execute("ALTER TABLE motion_texts DROP COLUMN IF EXISTS search_vector")
    for language in STEMMED_CONFIGS:
        op.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS asamblea_{language}")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.execute("DROP INDEX IF EXISTS search_motion_years")
    if dialect == "sqlite":
        op.execute("DROP INDEX IF EXISTS search_motion_text_owner")
        return
    if dialect != "postgresql":
        return
    op.execute("DROP FUNCTION IF EXISTS search_motion_matches(tsquery)")
    op.execute("DROP TRIGGER IF EXISTS search_motion_texts_refresh ON motion_texts")
    op.execute("DROP FUNCTION IF EXISTS search_motion_texts_refresh()")
    op.execute("DROP TABLE IF EXISTS search_motion_texts")
    op.execute("DROP FUNCTION IF EXISTS search_words(text)")
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS asamblea_words")
    # 0003's structures, as it made them.
    has_unaccent = _has_unaccent()
    for language, base in STEMMED_CONFIGS.items():
        op.execute(f"CREATE TEXT SEARCH CONFIGURATION asamblea_{language} (COPY = {base})")
        if has_unaccent:
            op.execute(f"ALTER TEXT SEARCH CONFIGURATION asamblea_{language} ALTER MAPPING "
                       f"FOR hword, hword_part, word WITH unaccent, {base}_stem")
    config = ("CASE language " + " ".join(
        f"WHEN '{language}' THEN 'asamblea_{language}'::regconfig"
        for language in STEMMED_CONFIGS) + " ELSE 'simple'::regconfig END")
    op.execute(
        "ALTER TABLE motion_texts ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
        f"setweight(to_tsvector({config}, title), 'A') || "
        f"setweight(to_tsvector({config}, search_text), 'B')) STORED"
    )
    for language in STEMMED_CONFIGS:
        op.execute(f"CREATE INDEX search_motion_texts_{language} ON motion_texts USING gin "
                   f"(search_vector) WHERE language = '{language}'")
