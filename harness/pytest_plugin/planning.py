"""The plan of a host run: which checks there are, which the profile or an earlier attempt leaves out.

A suite module that cannot be loaded, and a test in suites/ that is not declared with ``@check``,
are not left out silently: each is an ``error`` row (``XC-<LAYER>-000``, its node id the subject),
so the host cannot be certified while its suite is broken; the other checks still run.
"""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from harness.checks import N_, CheckContext, CheckMeta
from harness.clock import utc_now_iso
from harness.layers import BY_NAME, LAYER_CODES
from harness.outcomes import Outcome, Severity
from harness.pytest_plugin.run import HOST_RUN, check_key, meta_of, subject_of
from harness.records import PlanRecord
from harness.selection import NOT_SELECTED, Selection

SUITE_REQUIREMENT = N_("Every module in suites/ loads, and every test in it is a declared check (@check).")
SUITE_REMEDY = N_("Fix the suite module named in the message (the host worker's log has the whole error).")
#: the fallback layer of a broken suite module outside any layer folder
_FALLBACK_LAYER = "integration"


def suite_meta(nodeid: str, title: str) -> CheckMeta:
    """The row of a broken suite item: the layer of its folder, id XC-<CODE>-000."""
    layer = next((p for p in PurePosixPath(nodeid.split("::")[0]).parts if p in BY_NAME), _FALLBACK_LAYER)
    return CheckMeta(
        id=f"XC-{LAYER_CODES[layer]}-000",
        layer=layer,
        severity=Severity.MANDATORY,
        title=title,
        requirement=SUITE_REQUIREMENT,
        remedy=SUITE_REMEDY,
    )


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if not report.failed:
        return
    text = str(report.longrepr).strip().splitlines()
    reason = next((line for line in reversed(text) if line.startswith("E ")), text[-1] if text else "")
    _PENDING.append((report.nodeid, reason.removeprefix("E").strip()[:500]))


#: modules that could not be collected, (node id, error): the collect-report hook sees no config
_PENDING: list[tuple[str, str]] = []


def pytest_configure(config: pytest.Config) -> None:
    _PENDING.clear()


def _broken_rows(items: list[pytest.Item]) -> list[tuple[CheckMeta, str, str]]:
    """(meta, subject, message) of every module that did not load and every test without @check."""
    from harness.usersuite.plugin import import_row  # a plugin module: imported by pytest first

    rows = []
    for nodeid, reason in _PENDING:
        user_row = import_row(nodeid, reason)  # a user suite's file: an advisory row of the user layer
        if user_row is not None:
            rows.append(user_row)
            continue
        meta = suite_meta(nodeid, N_("A suite module could not be loaded"))
        rows.append((meta, nodeid, f"{nodeid}: {reason}"))
    _PENDING.clear()
    for item in items:
        if meta_of(item) is None:
            meta = suite_meta(item.nodeid, N_("A test in suites/ is not declared as a check"))
            rows.append((meta, item.nodeid, f"{item.nodeid} has no @check(...): it cannot be part of a certificate"))
    return rows


def _declared_checks(items: list[pytest.Item]) -> list[tuple[pytest.Item, CheckMeta]]:
    checks: list[tuple[pytest.Item, CheckMeta]] = []
    seen: dict[str, str] = {}
    for item in items:
        meta = meta_of(item)
        if meta is None:
            continue
        key = check_key(meta.id, subject_of(item))
        if key in seen:
            raise pytest.UsageError(f"check id {key} is used twice: {seen[key]} and {item.nodeid}")
        seen[key] = item.nodeid
        checks.append((item, meta))
    return checks


def _names(item: pytest.Item) -> list[str]:
    """What ``-k`` matches besides the check's metadata: its test function's and module's names."""
    module = getattr(item, "module", None)
    return [getattr(item, "originalname", item.name), *([module.__name__.rsplit(".", 1)[-1]] if module else [])]


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    run = config.stash.get(HOST_RUN, None)
    if run is None:
        return
    checks = _declared_checks(items)
    broken = _broken_rows(items)
    planned = [dict(m.as_dict(), subject=subject_of(i)) for i, m in checks]
    planned += [dict(m.as_dict(), subject=s) for m, s, _ in broken]
    run.journal.append(PlanRecord(time=utc_now_iso(), profile=run.profile, checks=tuple(planned)).to_json())
    for meta, subject, message in broken:
        if check_key(meta.id, subject) not in run.decided_before:
            run.record(meta, Outcome.ERROR, None, message, subject=subject)
    selection = Selection.from_mapping(run.selection)
    to_run: list[pytest.Item] = []
    for item, meta in checks:
        if check_key(meta.id, subject_of(item)) in run.decided_before:
            continue
        if run.profile not in meta.profiles:
            ctx = CheckContext(meta)
            ctx.note(N_("Not in the {profile} profile"), profile=run.profile)
            run.record(meta, Outcome.SKIPPED, ctx, subject=subject_of(item))
            continue
        if selection and not selection.selects(meta, subject_of(item), _names(item)):
            ctx = CheckContext(meta)
            ctx.note(NOT_SELECTED, selection=selection.describe())
            run.record(meta, Outcome.SKIPPED, ctx, subject=subject_of(item))
            continue
        to_run.append(item)
    deselected = [i for i in items if i not in to_run]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
    items[:] = to_run
    if items:
        run.connect_and_identify()
        if run.lost is not None:
            config.hook.pytest_deselected(items=list(items))
            items[:] = []
