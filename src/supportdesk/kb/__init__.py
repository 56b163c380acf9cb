"""The knowledge base: categories, folders and articles."""
