"""Subcommands of ``xcert``: one module each, with ``register(subparsers)``.

Each module's ``register`` adds its parser and sets ``func`` (args -> exit code) as default.
Modules are imported when the CLI starts; keep their heavy imports inside ``func``.
"""

from __future__ import annotations

COMMANDS: tuple[str, ...] = (
    "harness.commands.certify",
    "harness.commands.report",
    "harness.commands.identify",
    "harness.commands.collect",
    "harness.commands.lab",
    "harness.commands.sign",
    "harness.commands.matrix",
    "harness.commands.completion",
    "harness.commands.diff",
    "harness.commands.checks",
)
