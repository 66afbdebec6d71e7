"""Keep secrets out of everything written: evidence, logs, reports, bundles.

Masking happens on the Python values *before* they are encoded (``value()``, ``dumps()``): a
secret holding ``"`` or ``\\`` is then masked whole, whereas a search in the JSON text would
look for it unescaped and miss it. For bytes and text that were encoded by someone else (a
worker's output, ansible-runner's artifacts), ``text()`` and ``data()`` also mask the secret's
JSON-escaped forms.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

MASK = "********"


def _forms(secret: str) -> list[str]:
    """The secret raw, as JSON strings hold it (with and without ASCII escapes) and as Python's repr shows it."""
    forms = [secret, json.dumps(secret, ensure_ascii=False)[1:-1], json.dumps(secret)[1:-1], repr(secret)[1:-1]]
    return list(dict.fromkeys(forms))


class SecretFilter:
    """Replaces every known secret value by a mask, in Python values, text and bytes alike."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # longest first, so a secret containing another is masked whole
        self._secrets = sorted({s for s in secrets if s and len(s) >= 3}, key=len, reverse=True)
        forms = {form for s in self._secrets for form in _forms(s)}
        self._forms = sorted(forms, key=len, reverse=True)

    def __bool__(self) -> bool:
        return bool(self._secrets)

    def add(self, secret: str) -> None:
        self.__init__([*self._secrets, secret])  # type: ignore[misc]

    def text(self, value: str) -> str:
        for form in self._forms:
            value = value.replace(form, MASK)
        return value

    def data(self, value: bytes) -> bytes:
        for form in self._forms:
            value = value.replace(form.encode("utf-8"), MASK.encode())
        return value

    def value(self, obj: Any) -> Any:
        """``obj`` (JSON-like: dicts, lists, strings, numbers) with every secret masked in every string."""
        if not self._secrets:
            return obj
        if isinstance(obj, str):
            for secret in self._secrets:
                obj = obj.replace(secret, MASK)
            return obj
        if isinstance(obj, dict):
            return {self.value(k) if isinstance(k, str) else k: self.value(v) for k, v in obj.items()}
        if isinstance(obj, list | tuple):
            return [self.value(v) for v in obj]
        return obj

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        """``json.dumps`` of ``obj`` masked first (then the escaped forms, for what ``default=`` produced)."""
        return self.text(json.dumps(self.value(obj), **kwargs))
