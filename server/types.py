"""Type aliases shared across the package."""

from __future__ import annotations

from typing import Any

JSONObject = dict[str, Any]
