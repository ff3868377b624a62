"""Asamblea's application: the member registry, assemblies, motions, polls and archive."""
