"""Typed journal records: one shape for writer and reader, a JSON Schema beside results.schema.json."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest

from harness.fold import fold
from harness.records import (
    CheckRecord,
    FactsRecord,
    HostEndRecord,
    PlanRecord,
    ProvisionRecord,
    Record,
    RecordError,
    UnreachableRecord,
    parse_record,
    read_records,
)
from harness.records_schema import schema

SAMPLES: list[Record] = [
    PlanRecord(time="t", profile="quick", checks=({"id": "XC-OS-001", "severity": "mandatory"},)),
    FactsRecord(time="t", identity={"os": {}}, summary={"arch": "x86_64"}, evidence=["evidence/h/1.json"]),
    CheckRecord(id="XC-OS-001", outcome="pass", subject="", evidence=["evidence/h/2.json"], duration_s=0.5),
    CheckRecord(id="XC-DB-010", outcome="fail", subject="pg", tags=["sql-feature"]),
    UnreachableRecord(reason="lost", detail="reset", time="t", lost_mid_run=True, during="XC-OS-002"),
    ProvisionRecord(action="prepare", ok=False, task="Make the working directory", message="denied"),
    HostEndRecord(time="t", lost=False, interrupted=True),
]


def _shipped() -> dict[str, object]:
    text = resources.files("harness.schema").joinpath("journal.schema.json").read_text(encoding="utf-8")
    data: dict[str, object] = json.loads(text)
    return data


def test_the_shipped_schema_is_the_one_the_records_define() -> None:
    assert _shipped() == schema(), "run: python -m harness.records_schema > harness/schema/journal.schema.json"


@pytest.mark.parametrize("record", SAMPLES, ids=lambda r: type(r).__name__)
def test_round_trip_and_schema(record: object) -> None:
    data = record.to_json()  # type: ignore[attr-defined]
    jsonschema.validate(data, _shipped())
    assert parse_record(json.loads(json.dumps(data))) == record


def test_a_mistyped_or_incomplete_record_is_refused_and_skipped_by_readers() -> None:
    with pytest.raises(RecordError, match="duration_s"):
        parse_record({"type": "check", "id": "XC-OS-001", "outcome": "pass", "duration_s": "slow"})
    with pytest.raises(RecordError, match="outcome"):
        parse_record({"type": "check", "id": "XC-OS-001"})
    good = SAMPLES[2].to_json()
    assert read_records([{"type": "check", "id": 1}, {"type": "future-kind"}, good]) == [SAMPLES[2]]


def test_results_are_a_fold_first_decision_stands_and_each_plan_resets_reachability() -> None:
    again = CheckRecord(id="XC-OS-001", outcome="fail", evidence=["evidence/h/3.json"])
    lost = UnreachableRecord(reason="timeout")
    state = fold([SAMPLES[0], lost, SAMPLES[0], SAMPLES[1], SAMPLES[2], again, SAMPLES[6]])
    assert state.checks["XC-OS-001"].outcome == "pass"
    assert state.unreachable is None and state.reachable and state.ended
    assert state.undecided == []
