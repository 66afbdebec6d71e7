"""xcert: compatibility certification harness for Xinchuang (信创) IT stacks.

Importing this package pulls in nothing heavy: transports, reporters and drivers are loaded
lazily by name where they are used.
"""

from __future__ import annotations

__version__ = "0.1.0"
TOOL_NAME = "xcert"
