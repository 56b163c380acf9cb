"""search documents: PostgreSQL reads words as SQLite does; code 5 reads text fields

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 15:30:00

Every search document is written again from the tickets (see
supportdesk.search.backfill), for two changes:

- PostgreSQL: documents and queries used the built-in ``english``
  configuration, which drops stop words (``the`` found nothing) and keeps
  accents (``cafe`` did not find ``café``), where SQLite's FTS5 tokenizer
  (``porter unicode61 remove_diacritics 2``) keeps every word and folds
  accents. ``supportdesk_search`` reads every word through ``unaccent`` and
  then a Snowball English stemmer without a stop word list. The
  ``unaccent`` extension is trusted (PostgreSQL 13 and later), so the
  database owner may create it, as ``btree_gin`` in ``0007``.
- Both databases: the ``custom`` section, which ``search_in`` code 5 reads,
  holds text and paragraph fields only (Desk365's "text custom fields"), no
  longer dropdown and multi-select values.

The index is emptied first and filled in one pass: on PostgreSQL the GIN
index is dropped and made again once, after it; on SQLite the FTS5 table is
made again, as ``0007`` made it. The downgrade writes the documents as
``0007`` to ``0014`` did and drops the configuration and its dictionary; it
leaves the extension, which other objects may use.
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
# Every token type of a word (letters, or letters and digits, whole or a part
# of a hyphenated word); the others (numbers, emails, URLs) keep ``english``'s
# ``simple`` mapping. Documents and queries are split into words of letters
# and digits first (search.index.words_only), so those others are bare numbers.
WORD_TOKENS = ("asciiword", "word", "numword", "asciihword", "hword", "numhword",
               "hword_asciipart", "hword_part", "hword_numpart")
GIN_INDEX = "ix_ticket_search_tenant_id_document"
SECTIONS = ("number", "subject", "attachments", "custom", "people", "fields", "description",
            "conversations")
# What documents held before this revision.
PREVIOUS_CONFIG = "english"
PREVIOUS_CUSTOM_TYPES = frozenset({"text", "paragraph", "dropdown", "multi-select"})
CUSTOM_TYPES = frozenset({"text", "paragraph"})


def _rebuild(connection: sa.Connection, *, text_config: str,
             custom_types: frozenset[str]) -> None:
    """Every ticket's document written again, into an emptied index."""
    if connection.dialect.name == "postgresql":
        op.execute(f"DROP INDEX {GIN_INDEX}")
        op.execute("TRUNCATE ticket_search")
        index_every_ticket(connection, text_config=text_config, custom_types=custom_types)
        op.execute(f"CREATE INDEX {GIN_INDEX} ON ticket_search "
                   "USING gin (tenant_id, document)")
        return
    op.execute("DROP TABLE ticket_search")
    op.execute("CREATE VIRTUAL TABLE ticket_search USING fts5(" + ", ".join(SECTIONS)
               + ", tokenize = 'porter unicode61 remove_diacritics 2')")
    index_every_ticket(connection, custom_types=custom_types)


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        # No StopWords: every word is kept (and stemmed), as FTS5 keeps it.
        op.execute(f"CREATE TEXT SEARCH DICTIONARY {STEMMER} "
                   "(TEMPLATE = snowball, LANGUAGE = english)")
        op.execute(f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = english)")
        # unaccent is a filtering dictionary: it hands the folded word on to the stemmer.
        op.execute(f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} ALTER MAPPING FOR "
                   f"{', '.join(WORD_TOKENS)} WITH unaccent, {STEMMER}")
    _rebuild(connection, text_config=CONFIG, custom_types=CUSTOM_TYPES)


def downgrade() -> None:
    connection = op.get_bind()
    _rebuild(connection, text_config=PREVIOUS_CONFIG, custom_types=PREVIOUS_CUSTOM_TYPES)
    if connection.dialect.name == "postgresql":
        op.execute(f"DROP TEXT SEARCH CONFIGURATION {CONFIG}")
        op.execute(f"DROP TEXT SEARCH DICTIONARY {STEMMER}")
