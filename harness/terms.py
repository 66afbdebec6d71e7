"""Words that travel as message parameters and are translated when a report renders them.

A check's message is a key and parameters (``xc.note(key, **params)``); the parameters are data
(a version, a path, a product name) and are shown as recorded, except:

- a parameter that is itself a message, ``{"key": msgid, "args": {...}}`` (see ``message``): it is
  translated and filled in, recursively (an identification's description inside a check's message);
- a parameter whose value is one of the ``TERMS`` below (a confidence, yes/no, what a selector
  names): the value is a msgid and is translated.

Everything here is marked with N_() so the catalogs must translate it.
"""

from __future__ import annotations

from typing import Any

from harness.checks import N_

CONFIDENCE = (N_("high"), N_("medium"), N_("low"), N_("none"))
YES_NO = (N_("yes"), N_("no"))
#: what an applies_to selector key names, in words ("declared.cpu" -> "declared CPU")
SELECTORS: dict[str, str] = {
    "arch": N_("architecture"),
    "cpu": N_("CPU"),
    "os": N_("operating system"),
    "db": N_("database"),
    "server": N_("server"),
    "middleware": N_("middleware"),
    "declared.cpu": N_("declared CPU"),
    "declared.os": N_("declared operating system"),
    "declared.db": N_("declared database"),
    "declared.server": N_("declared server"),
    "declared.middleware": N_("declared middleware"),
}

TERMS = frozenset((*CONFIDENCE, *YES_NO, *SELECTORS.values()))


def message(key: str, **args: Any) -> dict[str, Any]:
    """A message as a parameter of another message: translated where it is shown."""
    return {"key": key, "args": args}


def is_message(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("key"), str) and isinstance(value.get("args", {}), dict)


def selector_words(key: str) -> str:
    return SELECTORS.get(key, key)
