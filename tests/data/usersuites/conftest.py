"""Public testinfra suites kept as their authors wrote them: run through ``xcert certify --suite`` by
tests/integration/test_usersuites_lab.py, never collected as the project's own tests."""

collect_ignore_glob = ["*/*.py"]
