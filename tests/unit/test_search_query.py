"""The search language's wildcards against a plain reference, on arbitrary words."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supportdesk.errors import BadRequest
from supportdesk.search.query import Chunk, parse_chunks

NAME = "search_query.query"
HINT = "only a trailing * is supported (prefix match, e.g. print*)"


def reference(word: str) -> Chunk | str | None:
    """What one unquoted word parses to, written out character by character.

    The chunk, the 400's message, or None when the word has no letters or
    digits (it is left out of the query).
    """
    letters = [index for index, character in enumerate(word) if character.isalnum()]
    if not letters:
        return None
    if any(character == "*" for character in word[:letters[-1]]):
        return f"{NAME}: {word!r} has a * at its start or inside it; {HINT}"
    return Chunk(word.replace("*", ""), is_prefix="*" in word[letters[-1]:])


WORDS = st.text(alphabet=st.sampled_from([*"ab9*-.()@é_"]), min_size=1, max_size=12)


@given(words=st.lists(WORDS, min_size=1, max_size=4))
def test_unquoted_words_parse_as_the_reference_says(words: list[str]) -> None:
    expected = [reference(word) for word in words]
    refused = [outcome for outcome in expected if isinstance(outcome, str)]
    chunks = [outcome for outcome in expected if isinstance(outcome, Chunk)]
    query = " ".join(words)
    if refused:
        with pytest.raises(BadRequest) as error:
            parse_chunks(query, NAME)
        assert error.value.message == refused[0]
    elif not chunks:
        with pytest.raises(BadRequest) as error:
            parse_chunks(query, NAME)
        assert error.value.message == f"{NAME} has no words to search for (letters or digits)"
    else:
        assert parse_chunks(query, NAME) == tuple(chunks)


@pytest.mark.parametrize(("query", "chunks"), [
    ("print*", (Chunk("print", is_prefix=True),)),
    ("print***", (Chunk("print", is_prefix=True),)),
    ("(print*)", (Chunk("(print)", is_prefix=True),)),
    ("e-mail*", (Chunk("e-mail", is_prefix=True),)),
    ("printer * jam", (Chunk("printer"), Chunk("jam"))),
    ('"pr*nter jam*"', (Chunk("pr*nter jam*"),)),
])
def test_trailing_stars_make_prefixes_and_quotes_keep_stars(
        query: str, chunks: tuple[Chunk, ...]) -> None:
    assert parse_chunks(query, NAME) == chunks


@pytest.mark.parametrize("word", ["*rint", "pr*nter", "*9", "9*9", "a*-b", "**é"])
def test_a_star_before_a_letter_or_digit_is_refused(word: str) -> None:
    with pytest.raises(BadRequest) as error:
        parse_chunks(f"ok {word}", NAME)
    assert error.value.message == f"{NAME}: {word!r} has a * at its start or inside it; {HINT}"
