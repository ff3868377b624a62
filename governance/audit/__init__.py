"""The audit trail: every staff action, append-only and hash-chained, so auditors can tell if a
row was changed or removed after the fact."""
