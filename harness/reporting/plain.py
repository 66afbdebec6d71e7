"""Report text without markup, for the editable formats (Word, Excel) and the test plan.

``Words(lang)`` translates like the HTML template does (``_``, ``w``, ``said``, ``message``);
a bilingual edition (``en+ar``) joins the languages with " / ".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.i18n import check_message, translate
from harness.reporting.html import RTL
from harness.reporting.vocab import word


class Words:
    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.langs = lang.split("+")
        self.rtl = self.langs[0] in RTL
        #: Chinese editions name products by the catalog's Chinese names
        self.zh = "zh" in self.langs

    def product(self, row: Mapping[str, Any]) -> str | None:
        """A stack row's product line (Chinese name in a Chinese edition)."""
        if not row:
            return None
        return (row.get("shown_zh") if self.zh else None) or row.get("shown")

    def _join(self, texts: list[str]) -> str:
        return " / ".join(dict.fromkeys(texts))

    def __call__(self, msgid: str, **params: Any) -> str:
        """A msgid (a template string, a check text) in the edition's language(s)."""
        if not msgid:
            return ""
        return self._join([translate(code, msgid, params) for code in self.langs])

    def w(self, value: object) -> str:
        """A data value (outcome, verdict, layer, severity...) as the word a report shows."""
        return self(word(value))

    def said(self, msg: Mapping[str, Any] | None) -> str:
        if not msg:
            return ""
        return self._join([translate(code, str(msg.get("key", "")), msg.get("args") or {}) for code in self.langs])

    def message(self, check: Mapping[str, Any]) -> str:
        return self._join([check_message(code, check) for code in self.langs])

    def measurements(self, check: Mapping[str, Any]) -> str:
        out = []
        for name, m in (check.get("measurements") or {}).items():
            value = m.get("value")
            if value is True or value is False:
                shown = self("yes") if value else self("no")
            else:
                shown = f"{value} {self(str(m.get('unit', '')))}".strip()
            out.append(f"{name} = {shown}")
        return "\n".join(out)

    def identified(self, row: Mapping[str, Any]) -> str:
        text = self.said(row.get("described")) or str(row.get("rule") or "")
        if row.get("confidence"):
            text += f" ({self('confidence')}: {self.w(row['confidence'])})"
        return text
