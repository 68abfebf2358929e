"""The audit log: who did what to whose data, when and from where (append-only)."""
