"""report.<lang>.html through Jinja2, from results.json alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jinja2

from harness.checks import LAYERS
from harness.i18n import check_message, gettext, translate


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("harness.reporting", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def _evidence_excerpt(run_dir: Path | None, ref: str, limit: int = 4000) -> dict[str, Any]:
    """The command, rc and output of one evidence file, for showing under a failure."""
    if run_dir is None:
        return {"ref": ref}
    try:
        data = json.loads((run_dir / ref).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"ref": ref}
    if data.get("kind") != "command":
        return {"ref": ref}
    return {
        "ref": ref,
        "command": data.get("command", "")[:500],
        "rc": data.get("rc"),
        "stdout": (data.get("stdout") or "")[:limit],
        "stderr": (data.get("stderr") or "")[:limit],
    }


def render_html(results: dict[str, Any], lang: str, run_dir: Path | None = None) -> str:
    env = environment()
    template = env.get_template("report.html.j2")

    def _(msgid: str, **params: Any) -> str:
        return translate(lang, msgid, params) if params else gettext(lang, msgid)

    hosts = []
    for host in results["hosts"]:
        by_layer: dict[str, list[dict[str, Any]]] = {}
        problems = []
        for check in host["checks"]:
            view = dict(check)
            view["text"] = check_message(lang, check)
            by_layer.setdefault(check["layer"], []).append(view)
            if check["outcome"] in ("fail", "error"):
                view["excerpts"] = [
                    _evidence_excerpt(run_dir, ref) for ref in check.get("evidence", [])[:4]
                    if "facts" not in ref
                ]
                problems.append(view)
        layers = [(layer, by_layer[layer]) for layer in LAYERS if layer in by_layer]
        hosts.append({"host": host, "layers": layers, "problems": problems})
    return template.render(results=results, hosts=hosts, lang=lang, _=_)


def write_html(results: dict[str, Any], lang: str, path: Path, run_dir: Path | None = None) -> Path:
    path.write_text(render_html(results, lang, run_dir), encoding="utf-8")
    return path
