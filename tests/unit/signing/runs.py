"""A small run directory written by hand, with identifying values in the places real runs hold them."""

from __future__ import annotations

import json
from pathlib import Path

from harness.journal import Journal
from harness.results import build_results

HOST = "kylin-db-07.example.cn"
ADDRESS = "10.213.0.17"
MAC = "52:54:00:ab:cd:ef"
SERIAL = "2102312FJQ10M4000123"
UUID = "4c4c4544-0042-3510-8057-b4c04f383233"
USER = "certops"
GATEWAY = "10.213.0.1"
V6 = "fd00:213::17"


def make_run(root: Path) -> Path:
    run = root / "run"
    (run / "evidence" / HOST).mkdir(parents=True)
    (run / "journal").mkdir()
    (run / "logs").mkdir()
    host = {"name": HOST, "slug": HOST, "address": ADDRESS, "user": USER, "lab": True, "declared": {}}
    meta = {
        "run_id": "t1",
        "started": "2026-01-01T00:00:00Z",
        "finished": "2026-01-01T00:01:00Z",
        "profile": "quick",
        "tool": {"name": "xcert", "version": "0.1.0", "suite_digest": "sha256:" + "0" * 64},
        "hosts": [host],
    }
    (run / "run.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    facts = {
        "kind": "command",
        "command": "sh -s",
        "rc": 0,
        # a value at the start of a line only shows as "\n10.213..." in the JSON text
        "stdout": f"@@B file /sys/class/dmi/id/product_serial\n{SERIAL}\n@@B command ip-addr\n"
        f"{ADDRESS}/24 dev eth0\n2: eth0    inet6 {V6}/64 scope global\n"
        f"link/ether {MAC} brd ff:ff:ff:ff:ff:ff\n"
        f"@@B command dmidecode\nSystem Information\n\tSerial Number: {SERIAL}\n\tUUID: {UUID}\n"
        f"default via {GATEWAY} dev eth0\n@@B command hostname\n{HOST}\n",
        "stderr": "",
    }
    (run / "evidence" / HOST / "00001-facts.json").write_text(json.dumps(facts), encoding="utf-8")
    journal = Journal(run / "journal" / f"{HOST}.jsonl")  # a hash chain, as a run writes it
    journal.append({"type": "plan", "checks": [{"id": "XC-OS-001", "layer": "os", "severity": "mandatory"}]})
    journal.append({"type": "facts", "identity": {}, "summary": {"hostname": HOST}, "evidence": []})
    journal.append(
        {
            "type": "check",
            "id": "XC-OS-001",
            "layer": "os",
            "severity": "mandatory",
            "outcome": "pass",
            "message": f"ran as {USER}@{HOST}",
            "evidence": [f"evidence/{HOST}/00001-facts.json"],
        }
    )
    journal.append({"type": "host_end"})
    journal.close()
    (run / "logs" / f"{HOST}.log").write_text(f"connecting to {USER}@{ADDRESS}:22 ({HOST})\n", encoding="utf-8")
    # results.json as the real builder writes it (a bundle checks it against the schema), with the
    # host's facts where real runs hold them
    results = build_results(run)
    results["hosts"][0]["facts"] = {
        "hostname": HOST,
        "interfaces": [{"name": "eth0", "mac": MAC, "addresses": [ADDRESS, V6]}],
    }
    results["hosts"][0]["checks"] = [
        {**c, "evidence": [f"evidence/{HOST}/00001-facts.json"]} for c in results["hosts"][0]["checks"]
    ]
    (run / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    (run / ".lock").write_text("1", encoding="utf-8")
    return run
