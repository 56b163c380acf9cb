"""Searches take turns: at most ``search_concurrency`` run at once in a process."""

from __future__ import annotations

import threading
import time

from supportdesk.search.service import search_turn


def test_a_search_beyond_the_limit_waits_for_a_turn() -> None:
    inside: list[str] = []
    first_in = threading.Event()
    release_first = threading.Event()

    def first() -> None:
        with search_turn(1):
            inside.append("first in")
            first_in.set()
            release_first.wait(10)
            inside.append("first out")

    def second() -> None:
        with search_turn(1):
            inside.append("second in")

    one = threading.Thread(target=first)
    one.start()
    assert first_in.wait(10)
    two = threading.Thread(target=second)
    two.start()
    time.sleep(0.2)  # the second search is waiting for its turn meanwhile
    assert inside == ["first in"]
    release_first.set()
    one.join(10)
    two.join(10)
    assert inside == ["first in", "first out", "second in"]


def test_searches_within_the_limit_run_together() -> None:
    both_in = threading.Barrier(2, timeout=10)
    finished: list[bool] = []

    def search() -> None:
        with search_turn(2):
            both_in.wait()  # breaks (raises) if the second could not get in
            finished.append(True)

    threads = [threading.Thread(target=search) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert finished == [True, True]
