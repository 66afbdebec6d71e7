"""Keep secrets out of everything written: evidence, logs, reports, bundles."""

from __future__ import annotations

from collections.abc import Iterable

MASK = "********"


class SecretFilter:
    """Replaces every known secret value by a mask, in text and bytes alike."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # longest first, so a secret containing another is masked whole
        self._secrets = sorted({s for s in secrets if s and len(s) >= 3}, key=len, reverse=True)

    def add(self, secret: str) -> None:
        self.__init__([*self._secrets, secret])  # type: ignore[misc]

    def text(self, value: str) -> str:
        for secret in self._secrets:
            value = value.replace(secret, MASK)
        return value

    def data(self, value: bytes) -> bytes:
        for secret in self._secrets:
            value = value.replace(secret.encode("utf-8"), MASK.encode())
        return value
