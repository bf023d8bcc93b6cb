"""The kernel's jobs, where Celery's autodiscovery looks for them (``<app>.tasks``): the search
index's re-indexing of what a change cascades to (portal/search/indexing.py)."""

from .search.indexing import reindex_dependents, reindex_items

__all__ = ["reindex_dependents", "reindex_items"]
