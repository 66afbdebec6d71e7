"""Known vulnerabilities, offline: an OSV feed the user supplies, matched against a host's installed packages."""
