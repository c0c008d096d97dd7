"""JSON Schemas derived from dataclasses: the OpenAPI document's shapes come from the
classes the server builds its JSON with (courtwire.records), never from a second list.

A field's type hint gives its JSON type (str, int, bool, an enum of `courtwire.model`, a
list or tuple, a dict (any object), another dataclass, `| None` for null); its `schema(...)`
metadata adds what a type hint cannot say (a format, a limit, a description).
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from collections.abc import Collection
from typing import Any

from courtwire.types import JSONObject

_SCALARS: dict[Any, str] = {str: "string", int: "integer", bool: "boolean"}


def schema(**keywords: Any) -> dict[str, Any]:
    """A field's metadata: JSON Schema keywords beyond its type."""
    return {"schema": keywords}


def _type_schema(hint: Any) -> JSONObject:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        members = [member for member in typing.get_args(hint) if member is not type(None)]
        assert len(members) == 1, f"only `X | None` unions: {hint}"
        inner = _type_schema(members[0])
        kind = inner["type"]
        return inner | {"type": [*(kind if isinstance(kind, list) else [kind]), "null"]}
    if typing.get_origin(hint) is dict:
        return {"type": "object"}
    if typing.get_origin(hint) in (list, tuple):
        item, *_ = typing.get_args(hint)  # list[X], or tuple[X, ...]
        return {"type": "array", "items": _type_schema(item)}
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return {"type": _SCALARS[type(next(iter(hint)).value)], "enum": [m.value for m in hint]}
    if dataclasses.is_dataclass(hint):
        return object_schema(hint)
    return {"type": _SCALARS[hint]}


def property_schemas(cls: Any) -> dict[str, JSONObject]:
    """Each field's schema, in field order."""
    hints = typing.get_type_hints(cls)
    return {
        f.name: _type_schema(hints[f.name]) | f.metadata.get("schema", {})
        for f in dataclasses.fields(cls)
    }


def object_schema(cls: Any, *, optional: Collection[str] = ()) -> JSONObject:
    """The JSON object a dataclass is written as: every field required but `optional`."""
    properties = property_schemas(cls)
    return {
        "type": "object",
        "required": [name for name in properties if name not in optional],
        "properties": properties,
    }
