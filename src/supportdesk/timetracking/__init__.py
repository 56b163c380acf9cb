"""Time entries: the time agents spend on tickets."""
