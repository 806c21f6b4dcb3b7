"""Helpers for the tests and the benchmark: sandbox project copies and synthetic data of any size.
May import ``data`` and ``text``; pages never run this code, so editing it leaves the report current."""
