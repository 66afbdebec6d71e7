"""The multilingual samples hold what the issue asks for (so a pass means something)."""

from __future__ import annotations

import unicodedata

from harness.db.multilingual import SAMPLES


def test_gb18030_only_characters_are_outside_gbk() -> None:
    for ch in SAMPLES["zh_gb18030_only"]:
        assert ch.encode("gb18030").decode("gb18030") == ch
        try:
            ch.encode("gbk")
        except UnicodeEncodeError:
            continue
        raise AssertionError(f"{ch!r} is in GBK")
    assert "\U00020000" in SAMPLES["zh_gb18030_only"]  # 𠀀
    assert len("\U00020000".encode("gb18030")) == 4


def test_scripts_present() -> None:
    names = {k: {unicodedata.name(c, "").split()[0] for c in v if c.isalpha()} for k, v in SAMPLES.items()}
    assert "CYRILLIC" in names["ru"] and "CYRILLIC" in names["kk_cyrl"] and "CYRILLIC" in names["uz_cyrl"]
    assert "ARABIC" in names["ar"]
    assert "ә" in SAMPLES["kk_cyrl"] and "ғ" in SAMPLES["uz_cyrl"] and "\u02bb" in SAMPLES["uz_latn"]
    assert any(ord(c) > 0xFFFF for c in SAMPLES["emoji"])


def test_decomposed_sample_is_not_normalised() -> None:
    assert unicodedata.normalize("NFC", SAMPLES["nfd"]) != SAMPLES["nfd"]
