"""matrix.<lang>.html, certificate.<lang>.html and their PDFs, through Jinja2 (autoescaped) and WeasyPrint.

Strings go through the translation catalogs (harness/locale/*/LC_MESSAGES/bundles.po); the fonts and
the translator are the reports' own (harness.reporting.html).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2

from harness.bundles.combination import LAYERS
from harness.checks import N_
from harness.reporting.html import font_stack, translator

#: how each kind of bundle problem is said (the keys of verdict.py's problems)
PROBLEMS = {
    "gap": N_("gap: no run covers {combination}"),
    "expired": N_("expired: {host} in run {run_id} ({date}) is older than {days} days"),
    "profile": N_("profile: {host} in run {run_id} ran {profile}, the role needs {required}"),
    "failed": N_("failed: {host} in run {run_id} ({checks})"),
    "incomplete": N_("incomplete: {host} in run {run_id} ({checks})"),
    "missing": N_("no run holds cross-host checks for this bundle"),
    "check_failed": N_("failed: {check} {subject}: {message}"),
    "check_incomplete": N_("could not be decided: {check} {subject}: {message}"),
}
# the profiles, as roles require them and runs used them
N_("quick")
N_("full")
N_("disruptive")
# the reasons a host is not in the matrix (combination.read_run)
N_("unreachable")
N_("nothing identified")


def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("harness.bundles", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def comp(c: dict[str, Any] | None) -> str:
    if not c or not c.get("id"):
        return "–"
    return f"{c['id']} {c['version']}" if c.get("version") else str(c["id"])


def problem_text(_: Callable[..., Any]) -> Callable[[dict[str, Any]], Any]:
    def say(p: dict[str, Any]) -> Any:
        kind = p.get("kind", "")
        if kind == "gap":
            shown = ", ".join(f"{k}={v}" for k, v in p["combination"].items() if v)
            return _(PROBLEMS["gap"], combination=shown)
        if kind == "expired" and "host" not in p:
            return _(PROBLEMS["expired"], host="–", run_id="–", date="–", days="–")
        if kind in ("failed", "incomplete") and "check" in p:
            key = PROBLEMS["check_failed" if kind == "failed" else "check_incomplete"]
            return _(key, check=p["check"], subject=p.get("subject") or "", message=p.get("message") or "")
        if kind == "expired":
            return _(PROBLEMS["expired"], host=p["host"], run_id=p["run_id"], date=p["date"], days=p["validity_days"])
        if kind == "profile":
            return _(
                PROBLEMS["profile"], host=p["host"], run_id=p["run_id"], profile=p["profile"], required=p["required"]
            )
        if kind in ("failed", "incomplete"):
            return _(PROBLEMS[kind], host=p["host"], run_id=p["run_id"], checks=", ".join(p.get("checks") or []) or "–")
        if kind == "missing":
            return _(PROBLEMS["missing"])
        return kind

    return say


def _grid(cells: list[dict[str, Any]]) -> dict[str, Any]:
    rows = sorted({c["combination"]["cpu"]["id"] or "–" for c in cells})
    cols = sorted({c["combination"]["os"]["id"] or "–" for c in cells})
    grid: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for c in cells:
        grid.setdefault((c["combination"]["cpu"]["id"] or "–", c["combination"]["os"]["id"] or "–"), []).append(c)
    return {"rows": rows, "cols": cols, "cells": grid}


def _context(m: dict[str, Any], lang: str) -> dict[str, Any]:
    _ = translator(lang)
    options = {layer: sorted({c["combination"][layer]["id"] or "-" for c in m["cells"]}) for layer in LAYERS}
    return {
        "m": m,
        "bundle": m.get("bundle"),
        "lang": lang,
        "layers": LAYERS,
        "options": options,
        "grid": _grid(m["cells"]),
        "font_stack": font_stack(lang),
        "_": _,
        "comp": comp,
        "problem": problem_text(_),
    }


def render_matrix_html(m: dict[str, Any], lang: str) -> str:
    return environment().get_template("matrix.html.j2").render(**_context(m, lang))


def render_certificate_html(m: dict[str, Any], lang: str, runs: list[dict[str, Any]]) -> str:
    ctx = _context(m, lang)
    ctx["cited"] = runs
    return environment().get_template("certificate.html.j2").render(**ctx)


def write_pdf(html: str, path: Path, base: Path) -> Path:
    import weasyprint

    weasyprint.HTML(string=html, base_url=str(base)).write_pdf(str(path), hinting=True)
    return path
