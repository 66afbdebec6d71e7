"""``suites = [...]`` in xcert.toml: folders relative to the file, a wrong kind is bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.config_file import load_config
from harness.errors import InputError


def test_suites_are_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "xcert.toml").write_text('suites = ["molecule/default/tests", "/abs/tests"]\n', encoding="utf-8")
    assert load_config(tmp_path).get("suites") == [str(tmp_path / "molecule/default/tests"), "/abs/tests"]


def test_suites_must_be_a_list_of_folders(tmp_path: Path) -> None:
    (tmp_path / "xcert.toml").write_text('profile = "quick"\nsuites = "tests"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"xcert.toml:2: suites: must be a list of user suite folders"):
        load_config(tmp_path)
