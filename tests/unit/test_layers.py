"""The layer registry is the one list of layers: checks, catalog, identification and results read it."""

from __future__ import annotations

import pytest

from harness import catalog, layers, results
from harness.checks import check
from harness.identify import LAYERS as IDENTIFY_LAYERS


def test_every_list_of_layers_is_the_registry() -> None:
    assert layers.LAYERS == ("cpu", "os", "server", "db", "middleware", "integration", "lifecycle", "user")
    assert catalog.LAYERS == IDENTIFY_LAYERS == layers.CATALOG_LAYERS == ("cpu", "os", "server", "db", "middleware")
    assert layers.PLUGINS == ("harness.db.pytest_db",)


def test_check_ids_follow_the_registered_code() -> None:
    check("XC-LC-900", layer="lifecycle", severity="advisory", title="t", requirement="r", remedy="m")
    with pytest.raises(ValueError, match="XC-SRV-"):
        check("XC-SV-900", layer="server", severity="advisory", title="t", requirement="r", remedy="m")
    with pytest.raises(ValueError, match="unknown layer"):
        check("XC-XX-900", layer="nosuch", severity="advisory", title="t", requirement="r", remedy="m")


def test_results_sort_by_registered_order_unknown_last() -> None:
    rows = [{"layer": name, "id": f"XC-{i}"} for i, name in enumerate(["zzz", "lifecycle", "db", "cpu"])]
    assert [r["layer"] for r in sorted(rows, key=results._layer_order)] == ["cpu", "db", "lifecycle", "zzz"]


def test_results_validate_layers_from_the_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(results, "LAYERS", (*layers.LAYERS, "storage"))
    enum = results.load_schema()["$defs"]["check"]["properties"]["layer"]["enum"]
    assert enum[-1] == "storage"
