"""Safe retries: a create sent twice with the same ``Idempotency-Key`` happens once."""
