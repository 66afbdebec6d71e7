"""paramiko without importing invoke up front (40 ms of invoke, asyncio and unittest.mock)."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from typing import Any


class _DeferredInvoke:
    """paramiko's ``invoke``, imported when paramiko first uses it (an ssh_config ``Match exec``)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(importlib.import_module("invoke"), name)


def import_paramiko() -> Any:
    """paramiko, without the 40 ms of importing invoke (and asyncio, unittest.mock) up front.

    paramiko.config imports invoke only to run ``Match exec`` lines of an ssh_config. It is imported
    here with invoke held back, then given a stand-in that imports invoke on first use, so a
    ``Match exec`` behaves exactly as before. When paramiko is already loaded, nothing changes.
    """
    if "paramiko" in sys.modules or "invoke" in sys.modules or importlib.util.find_spec("invoke") is None:
        return importlib.import_module("paramiko")
    sys.modules["invoke"] = None  # type: ignore[assignment]  # `import invoke` raises ImportError meanwhile
    try:
        module = importlib.import_module("paramiko")
    finally:
        del sys.modules["invoke"]
    config = sys.modules["paramiko.config"]
    if getattr(config, "invoke", None) is None:
        config.invoke = _DeferredInvoke()  # type: ignore[attr-defined]
        config.invoke_import_error = None  # type: ignore[attr-defined]
    return module
