"""The ticket properties a tenant defines: statuses, types, categories."""
