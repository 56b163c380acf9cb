"""Tables of this domain (see the package docstring)."""

from __future__ import annotations
