"""search: one text search configuration, so PostgreSQL matches as SQLite does

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 15:30:00

PostgreSQL only. Until now documents and queries used the built-in
``english`` configuration, which drops stop words (``the`` found nothing)
and keeps accents (``cafe`` did not find ``café``), where SQLite's FTS5
tokenizer (``porter unicode61 remove_diacritics 2``) keeps every word and
folds accents. ``supportdesk_search`` reads every word through ``unaccent``
and then a Snowball English stemmer without a stop word list. Every
document is rebuilt with it from the tickets (see supportdesk.search.backfill);
the GIN index is dropped for the rebuild and made again once, after it.

The ``unaccent`` extension is trusted (PostgreSQL 13 and later), so the
database owner may create it, as ``btree_gin`` in ``0007``. The downgrade
rebuilds the documents with ``english`` and drops the configuration and its
dictionary; it leaves the extension, which other objects may use.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from supportdesk.search.backfill import index_every_ticket

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

CONFIG = "supportdesk_search"
STEMMER = "supportdesk_english_stem"
# The built-in configuration documents were written with before this revision.
PREVIOUS_CONFIG = "english"
# Every token type of a word (letters, or letters and digits, whole or a part
# of a hyphenated word); the others (numbers, emails, URLs) keep ``english``'s
# ``simple`` mapping. Documents and queries are split into words of letters
# and digits first (search.index.words_only), so those others are bare numbers.
WORD_TOKENS = ("asciiword", "word", "numword", "asciihword", "hword", "numhword",
               "hword_asciipart", "hword_part", "hword_numpart")
GIN_INDEX = "ix_ticket_search_tenant_id_document"


def _rebuild(connection: sa.Connection, text_config: str) -> None:
    """Every document written again with ``text_config``, the GIN index made after."""
    op.execute(f"DROP INDEX {GIN_INDEX}")
    op.execute("TRUNCATE ticket_search")
    index_every_ticket(connection, text_config=text_config)
    op.execute(f"CREATE INDEX {GIN_INDEX} ON ticket_search USING gin (tenant_id, document)")


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    # No StopWords: every word is kept (and stemmed), as FTS5 keeps it.
    op.execute(f"CREATE TEXT SEARCH DICTIONARY {STEMMER} "
               "(TEMPLATE = snowball, LANGUAGE = english)")
    op.execute(f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = english)")
    # unaccent is a filtering dictionary: it hands the folded word on to the stemmer.
    op.execute(f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} ALTER MAPPING FOR "
               f"{', '.join(WORD_TOKENS)} WITH unaccent, {STEMMER}")
    _rebuild(connection, CONFIG)


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return
    _rebuild(connection, PREVIOUS_CONFIG)
    op.execute(f"DROP TEXT SEARCH CONFIGURATION {CONFIG}")
    op.execute(f"DROP TEXT SEARCH DICTIONARY {STEMMER}")
