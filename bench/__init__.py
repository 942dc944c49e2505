"""Benchmarks (``make bench``): each ``bench_*.py`` module defines ``run()`` and prints figures."""
