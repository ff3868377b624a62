"""Signed results: the assembly's signing key, sealed results, checkpoints, proofs and bundles."""
