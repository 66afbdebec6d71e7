"""Bundle definitions: the shipped example loads; every bad input is one line naming file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.bundles.definition import load_bundle, parse_version
from harness.errors import EXIT_BAD_INPUT, InputError
from tests.conftest import ROOT, xcert

EXAMPLE = ROOT / "inventories" / "bundles" / "tianjin-example.yml"

GOOD = """\
schema: xcert-bundle-def/1
name: B
version: "1"
vendor: V
validity_days: 30
roles:
  database:
    profile: quick
    accepts:
      cpu: [phytium]
      db: [{id: postgresql, versions: ">=15,<17"}]
  application:
    profile: quick
    needs: [database]
    accepts:
      os: [kylin-server-v10]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bundle.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_example_loads_and_says_it_is_an_example() -> None:
    bundle = load_bundle(EXAMPLE)
    assert bundle.example is True
    assert [r.name for r in bundle.roles] == ["database", "application"]
    db = bundle.role("database")
    assert db is not None
    assert [a.id for a in db.accepts["cpu"]] == ["phytium", "hygon-c86"]
    assert [a.id for a in db.accepts["db"]] == ["gbase-8a", "gbase-8s", "dm8", "kingbasees"]
    assert [a.id for a in db.accepts["server"]] == ["sugon"]
    text = EXAMPLE.read_text(encoding="utf-8")
    assert "AN EXAMPLE" in text and "NO public source" in text and "http" in text


def test_a_good_bundle_loads(tmp_path: Path) -> None:
    bundle = load_bundle(write(tmp_path, GOOD))
    db = bundle.role("database")
    assert db is not None and db.accepts["db"][0].versions == ">=15,<17"
    assert db.accepts["db"][0].matches(["postgresql"], "15.18")
    assert not db.accepts["db"][0].matches(["postgresql"], "17.1")
    assert not db.accepts["db"][0].matches(["postgresql"], None)  # a range needs a known version
    assert db.accepts["cpu"][0].matches(["phytium-s2500", "phytium"], None)  # a family accepts its members


@pytest.mark.parametrize(
    ("old", "new", "line", "key", "message"),
    [
        (
            "    profile: quick\n    needs",
            "    profile: quick\n    colour: red\n    needs",
            14,
            "roles.application.colour",
            "unknown key",
        ),
        (
            "cpu: [phytium]",
            "cpu: [pentium-4]",
            10,
            "roles.database.accepts.cpu.0",
            "unknown cpu catalog id 'pentium-4'",
        ),
        (">=15,<17", "fifteen or so", 11, "roles.database.accepts.db.0.versions", "bad version range 'fifteen or so'"),
        ("needs: [database]", "needs: [cache]", 14, "roles.application.needs.0", "needs an unknown role 'cache'"),
        ("validity_days: 30", "validity_days: 0", 5, "validity_days", "0 is less than the minimum of 1"),
        (
            "  database:\n",
            "  database:\n    ports: [70000]\n",
            8,
            "roles.database.ports.0",
            "70000 is greater than the maximum",
        ),
    ],
)
def test_bad_bundles_name_file_line_and_key(
    tmp_path: Path, old: str, new: str, line: int, key: str, message: str
) -> None:
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(InputError) as err:
        load_bundle(path)
    assert err.value.location.file == str(path)
    assert err.value.location.line == line
    assert err.value.location.key == key
    assert message in str(err.value)


def test_not_yaml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + "roles: [\n")
    with pytest.raises(InputError) as err:
        load_bundle(path)
    assert err.value.location.line is not None and "not valid YAML" in str(err.value)


def test_the_command_line_exits_3_with_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("cpu: [phytium]", "cpu: [pentium-4]"))
    run = tmp_path / "run"
    run.mkdir()
    proc = xcert("matrix", str(ROOT / "tests/unit/bundles/data/lab-plain"), "--bundle", str(path), "--out", str(run))
    assert proc.returncode == EXIT_BAD_INPUT
    assert proc.stderr.strip().splitlines() == [
        f"xcert: {path}:10: roles.database.accepts.cpu.0: unknown cpu catalog id 'pentium-4'"
    ]


def test_detected_versions_parse() -> None:
    assert str(parse_version("V10 (Sword)")) == "10"
    assert str(parse_version("20.03 (LTS)")) == "20.3"
    assert str(parse_version("15.18")) == "15.18"
    assert parse_version("fou") is None
