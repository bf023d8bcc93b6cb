"""Site-wide search: one index of public items, one query language, two engines.

Apps register their models (through portal/content.py) and give each a ``search_data()``
method that returns ``SearchData`` while the item is published (``public_from`` saying from
when) and ``None`` otherwise; models with names recorded in several spellings give
``name_spellings()`` too. Signals keep the index in step (``indexing``). A query is parsed once
into folded words, phrases, ``or`` alternatives and ``-excluded`` words, widened to the other
spellings of the names it contains, and compiled for the engine in use (``query``): FTS5 on
SQLite, a tsquery on PostgreSQL (``engines``). ``run`` is the one entry point for a search
page (``results``); a name however it is spelled is found through ``names``. A bulk write
indexes what many of its saves depend on once, within ``deferred()``. This package imports no
app.
"""

from .indexing import (
    SearchData,
    connect_tag_signals,
    deferred,
    follow,
    index,
    rebuild,
    register,
    registered,
    reindex,
    unindex,
)
from .results import Results, read_filters, run

__all__ = [
    "Results",
    "SearchData",
    "connect_tag_signals",
    "deferred",
    "follow",
    "index",
    "read_filters",
    "rebuild",
    "register",
    "registered",
    "reindex",
    "run",
    "unindex",
]
