# Wires the harness's pytest plugin for suites/ (inert unless --xcert-run is given), and pytester for
# the plugin's own tests. No logic here.
pytest_plugins = ["harness.pytest_plugin", "pytester"]
