"""The feature table comes from the results alone."""

from __future__ import annotations

from harness.db.report import FEATURE_IDS, feature_table


def test_feature_rows_only_sorted() -> None:
    host = {
        "checks": [
            {
                "id": "XC-DB-022",
                "title": "JSON documents",
                "outcome": "fail",
                "measurements": {"supported": {"value": False}},
            },
            {"id": "XC-OS-001", "title": "os", "outcome": "pass"},
            {"id": "XC-DB-010", "title": "DECIMAL", "outcome": "error", "measurements": {}},
        ]
    }
    assert feature_table(host) == [
        {"id": "XC-DB-010", "feature": "DECIMAL", "outcome": "error", "supported": None},
        {"id": "XC-DB-022", "feature": "JSON documents", "outcome": "fail", "supported": False},
    ]
    assert len(FEATURE_IDS) == 17  # XC-DB-010..026
