"""Bundles: definitions, the matrix across runs, equivalence, the bundle verdict, certificate and diff.

Plain Python: the commands (harness.commands.matrix, harness.commands.diff) and the tests use it.
"""
