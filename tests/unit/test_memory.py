"""``limit_malloc_arenas``: the environment for child processes and mallopt for this one."""

from __future__ import annotations

import os

import pytest

from supportdesk.memory import ARENA_VARIABLE, limit_malloc_arenas


def test_a_cap_goes_into_the_environment_and_into_glibc(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ARENA_VARIABLE, raising=False)
    assert limit_malloc_arenas(3) is True  # the machines this runs on use glibc
    assert os.environ[ARENA_VARIABLE] == "3"


def test_zero_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ARENA_VARIABLE, raising=False)
    assert limit_malloc_arenas(0) is False
    assert ARENA_VARIABLE not in os.environ
