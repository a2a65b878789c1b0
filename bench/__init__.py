"""Benchmarks that print figures, each run as ``python -m bench.<name>``. Not tests.

``make bench`` runs ``bench.run``, the desk at 10 000 and 100 000 tickets.
"""
