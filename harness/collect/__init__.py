"""Collectors for air-gapped targets: a stdlib-only Python script and a POSIX sh script.

Both write the snapshot layout of DESIGN.md with the names of :mod:`harness.facts.manifest`, so a
snapshot identifies exactly as a live fact pass does.
"""
