"""paramiko loads without invoke; an ssh_config ``Match exec`` still reaches invoke when it runs."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import sys
from harness.transport import transport_class
transport_class("ssh")
print("invoke" in sys.modules)
import paramiko
cfg = paramiko.SSHConfig.from_text("Match exec true\\n  User matched\\nHost *\\n  Port 2222\\n")
print(cfg.lookup("h").get("user"), cfg.lookup("h").get("port"))
print("invoke" in sys.modules)
"""


def test_invoke_is_loaded_only_when_paramiko_uses_it() -> None:
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.split("\n")[:3] == ["False", "matched 2222", "True"]


def test_the_command_line_profiles_are_the_runners() -> None:
    from harness.profiles import PROFILES
    from harness.runner import PROFILES as RUNNER_PROFILES

    assert PROFILES == RUNNER_PROFILES
