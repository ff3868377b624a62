"""The public archive of positions: search in every language, timeline, permalinks, exports
(JSON, CSV, Atom) and the import of historical records from minutes."""
