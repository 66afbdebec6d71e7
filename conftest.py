# Wires the harness's pytest plugin for suites/ (inert unless --xcert-run is given). No logic here.
pytest_plugins = ["harness.pytest_plugin"]
