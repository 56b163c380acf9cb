"""Rate limits and quotas per API key, exact across processes."""
