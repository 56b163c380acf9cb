"""Companies (customer organisations) and their email domains."""
