"""The compiled catalog: the same entries as the YAML gives, keyed by the file's bytes, never kept unchecked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from harness import catalog
from harness.catalog import compiled


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("XCERT_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv(compiled.SWITCH, raising=False)
    catalog._parsed.cache_clear()
    catalog.load.cache_clear()
    yield tmp_path / "catalog"
    catalog._parsed.cache_clear()
    catalog.load.cache_clear()


def test_compiled_once_then_read_back_as_the_same_entries(fresh: Path) -> None:
    from_yaml = {layer: catalog.load(layer) for layer in catalog.LAYERS}
    assert not any(catalog._parsed(layer)[2] for layer in catalog.LAYERS if from_yaml[layer])
    assert len(list(fresh.glob("*.json"))) == sum(1 for layer in catalog.LAYERS if from_yaml[layer])
    catalog._parsed.cache_clear()
    catalog.load.cache_clear()
    for layer in catalog.LAYERS:
        assert catalog.load(layer) == from_yaml[layer]
        assert catalog._parsed(layer)[2] or not from_yaml[layer]  # this time from the compiled form


def test_other_bytes_are_another_key_and_odd_data_is_not_kept(fresh: Path) -> None:
    raw = b"entries: []\n"
    assert compiled.write(raw, {"entries": []})
    assert compiled.read(raw) == {"entries": []}
    assert compiled.read(raw + b"# changed\n") is None
    import datetime

    assert not compiled.write(b"x", {"date": datetime.date(2024, 1, 1)})  # JSON would not keep it


def test_a_bad_pattern_is_refused_and_never_compiled(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = {"entries": [{"id": "x", "name": {"en": "X"}, "sources": ["s"], "match": {"arch": "(unclosed"}}]}
    with monkeypatch.context() as m:
        m.setattr(catalog, "_parsed", lambda layer: (b"bad catalog", bad, False))
        catalog.load.cache_clear()
        with pytest.raises(catalog.CatalogError, match="bad pattern"):
            catalog.load("cpu")
    assert compiled.read(b"bad catalog") is None


def test_turned_off(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(compiled.SWITCH, "off")
    catalog.load("os")
    assert not fresh.exists()
