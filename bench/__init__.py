"""Benchmarks that print figures: ``python -m bench.run`` (``make bench``). Not tests."""
