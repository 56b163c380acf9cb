"""How the server's processes use memory: glibc's malloc arenas.

glibc gives each thread that allocates while another holds the main heap an
arena of its own, up to eight per core. A worker runs requests on up to 40
threads of the thread pool, and SQLite's page caches travel between them
with their pooled connections, so memory freed in one arena is rarely reused
by the next request's thread in another: at 1,000,000 tickets, 32 concurrent
deep-offset pages took a worker from 100 MB to 259 MB resident, and to 181
MB with two arenas (docs/benchmarks.md). The cost is some contention on
malloc's locks, which the GIL already serializes for Python's own memory.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

# mallopt's parameter number for the arena cap (glibc's malloc.h).
M_ARENA_MAX = -8
ARENA_VARIABLE = "MALLOC_ARENA_MAX"


def limit_malloc_arenas(arenas: int) -> bool:
    """Cap this process's and its future child processes' malloc arenas at ``arenas``.

    Children (``serve --workers N``) read ``MALLOC_ARENA_MAX`` when they
    start; this process is capped through ``mallopt`` for the arenas it has
    not created yet. ``0`` leaves glibc's default. Answers whether this
    process's cap took (False without glibc, e.g. on musl or macOS).
    """
    if arenas <= 0:
        return False
    os.environ[ARENA_VARIABLE] = str(arenas)
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        mallopt = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_ARENA_MAX, arenas))
