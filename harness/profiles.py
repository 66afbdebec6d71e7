"""The check profiles, in a module light enough for the command line to import (harness.runner is not)."""

from __future__ import annotations

PROFILES = ("quick", "full", "disruptive")
