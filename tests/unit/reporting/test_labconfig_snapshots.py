"""``accept_snapshots = false`` in a lab config refuses hosts certified from a snapshot, as bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import InputError
from harness.reporting.labconfig import refuse_snapshots

LAB = """[lab]
name = "L"
address = "A"
location = "R"

[report]
applicant = "X"
authorised_by = "Y"
"""


def test_refused_names_the_key_its_line_and_the_host(tmp_path: Path) -> None:
    path = tmp_path / "lab.toml"
    path.write_text(LAB + "accept_snapshots = false\n", encoding="utf-8")
    refuse_snapshots(path, [("live1", "ssh", "10.0.0.1")])  # live hosts are fine
    with pytest.raises(InputError) as err:
        refuse_snapshots(path, [("live1", "ssh", "10.0.0.1"), ("air", "snapshot", "/x/snap.tar.gz")])
    assert err.value.location.key == "report.accept_snapshots" and err.value.location.line == 9
    assert "air" in str(err.value) and "/x/snap.tar.gz" in str(err.value)


def test_accepted_by_default_and_a_non_boolean_is_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "lab.toml"
    path.write_text(LAB, encoding="utf-8")
    refuse_snapshots(path, [("air", "snapshot", "/x")])
    path.write_text(LAB + 'accept_snapshots = "no"\n', encoding="utf-8")
    with pytest.raises(InputError, match="true or false"):
        refuse_snapshots(path, [])
