"""Full-text ticket search: the index and the query language."""
