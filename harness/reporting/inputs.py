"""Report inputs given on the command line (``--waivers``, ``--lab-config``): checked, then copied
into the run directory so every later rendering and every bundle uses the same files.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def add_arguments(parser: Any) -> None:
    parser.add_argument(
        "--waivers",
        type=Path,
        metavar="FILE",
        help="waiver file (YAML): accepted failures with justification and expiry",
    )
    parser.add_argument(
        "--lab-config", type=Path, metavar="FILE", help="testing lab facts for the report (TOML, see docs/REPORTS.md)"
    )
    parser.add_argument(
        "--vuln-feed",
        type=Path,
        metavar="PATH",
        help="OSV vulnerability feed (a .json record or list, a folder, or OSV's all.zip) for XC-LC-010; read offline",
    )


def install_inputs(args: argparse.Namespace, run_dir: Path) -> None:
    from harness import waivers
    from harness.reporting import labconfig

    if getattr(args, "waivers", None):
        waivers.install(args.waivers, run_dir)
    if getattr(args, "lab_config", None):
        labconfig.install(args.lab_config, run_dir)
    if getattr(args, "vuln_feed", None):
        from harness.vulns import feed

        feed.install(args.vuln_feed, run_dir)
