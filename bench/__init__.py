"""Asamblea's benchmarks: `python -m bench` (or `make bench`) writes docs/benchmarks.md.

One module per benchmark, each with `run(ctx) -> Section`; `bench.__main__` runs them and
`bench.report` renders the document. Benchmarks are not tests: no time is asserted anywhere.
"""
