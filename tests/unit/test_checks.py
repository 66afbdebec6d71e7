from __future__ import annotations

import pytest

from harness.checks import CheckContext, CheckFailed, CheckMeta, NotApplicable, applies, check
from harness.outcomes import Severity


def _meta(**applies_to: list[str]) -> CheckMeta:
    return CheckMeta("XC-OS-001", "os", Severity.MANDATORY, "t", "r", "m", applies_to=applies_to)


def test_family_selector_matches_a_member() -> None:
    meta = _meta(os=["kylin-server-v10"])
    assert applies(meta, {"os": ["kylin-server-v10-sp2", "kylin-server-v10", "kylin"]}) is None
    assert "applies to" in (applies(meta, {"os": ["uos-server-20"]}) or "")


def test_present_selector_and_unknowns() -> None:
    meta = _meta(**{"declared.cpu": ["*"]})
    assert applies(meta, {"declared.cpu": "phytium"}) is None
    assert applies(meta, {"declared.cpu": None}) == "Does not apply: not known or not declared: declared CPU"
    assert "unknown" in (applies(_meta(arch=["aarch64"]), {}) or "")


def test_declaration_is_validated() -> None:
    with pytest.raises(ValueError):
        check("XC-CPU-001", layer="os", severity="mandatory", title="t", requirement="r", remedy="m")
    with pytest.raises(ValueError):
        check("XC-OS-001", layer="os", severity="mandatory", title="t", requirement="r", remedy="m", profiles=["x"])


def test_measurement_units_come_from_the_translated_list() -> None:
    ctx = CheckContext(_meta())
    ctx.measure("tps", 812.5, "tps")
    with pytest.raises(ValueError):
        ctx.measure("speed", 1, "furlongs")


def test_a_message_may_have_a_parameter_named_key() -> None:
    # XC-MW-015..020 say which declaration is missing as {key}: the message's own key is positional only
    msgid = "No xc_middleware_targets entry declares {key}"
    ctx = CheckContext(_meta())
    with pytest.raises(NotApplicable) as info:
        ctx.not_applicable(msgid, key="https_port")
    assert info.value.params == {"key": "https_port"}
    assert ctx.message_key == msgid and ctx.message_args == {"key": "https_port"}
    with pytest.raises(CheckFailed):
        ctx.fail(msgid, key="unit")
    assert ctx.message_args == {"key": "unit"}
