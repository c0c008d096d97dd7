"""JSON Schemas derived from dataclasses: the OpenAPI document's shapes come from the
classes the server builds its JSON with (courtwire.records, courtwire.replies), never from
a second list.

A field's type hint gives its JSON type (str, int, bool, an enum of `courtwire.model`, a
`Literal` constant, `Any`, a list or tuple, a dict (any object), another dataclass, `X | Y`
for either, `| None` for null); its `schema(...)` metadata adds what a type hint cannot say
(a format, a limit, a description). `Annotated[JSONObject, Entry]` is a JSON object built
elsewhere in `Entry`'s shape. A field that may be `ABSENT` is optional: `members` leaves it
out of the JSON then. A class named in `refs` is written as a `$ref` to its component.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from collections.abc import Collection, Mapping
from typing import Annotated, Any, Literal

from courtwire.types import JSONObject

_SCALARS: dict[Any, str] = {str: "string", int: "integer", bool: "boolean"}


class Absent(enum.Enum):
    """The type of `ABSENT`: a member left out of the JSON object (not null)."""

    ABSENT = "absent"


ABSENT = Absent.ABSENT
Refs = Mapping[Any, str]
"""Classes written as a reference to their component, by component name."""


def schema(**keywords: Any) -> dict[str, Any]:
    """A field's metadata: JSON Schema keywords beyond its type."""
    return {"schema": keywords}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _union_schema(members: list[Any], refs: Refs) -> JSONObject:
    nullable = type(None) in members
    present = [m for m in members if m is not type(None) and m is not Absent]
    if len(present) > 1:
        either: JSONObject = {"anyOf": [_type_schema(m, refs) for m in present]}
        return {"anyOf": [*either["anyOf"], {"type": "null"}]} if nullable else either
    inner = _type_schema(present[0], refs)
    if not nullable:
        return inner
    if "type" not in inner:  # a $ref: either it or null
        return {"anyOf": [inner, {"type": "null"}]}
    kind = inner["type"]
    return inner | {"type": [*(kind if isinstance(kind, list) else [kind]), "null"]}


def _type_schema(hint: Any, refs: Refs) -> JSONObject:
    origin = typing.get_origin(hint)
    if origin is Annotated:  # Annotated[JSONObject, Shape]: an object in Shape's form
        _, shape, *_ = typing.get_args(hint)
        return _type_schema(shape, refs)
    if origin in (typing.Union, types.UnionType):
        return _union_schema(list(typing.get_args(hint)), refs)
    if origin is Literal:
        (constant,) = typing.get_args(hint)
        return {"const": constant}
    if origin is dict:  # dict[str, X]: X for every member, unless X is Any
        _, value = typing.get_args(hint)
        values = {} if value is Any else {"additionalProperties": _type_schema(value, refs)}
        return {"type": "object", **values}
    if origin in (list, tuple):
        item, *_ = typing.get_args(hint)  # list[X], or tuple[X, ...]
        return {"type": "array", "items": _type_schema(item, refs)}
    if hint is Any:
        return {}
    if hint in refs:
        return ref(refs[hint])
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return {"type": _SCALARS[type(next(iter(hint)).value)], "enum": [m.value for m in hint]}
    if dataclasses.is_dataclass(hint):
        return object_schema(hint, refs=refs)
    return {"type": _SCALARS[hint]}


def _may_be_absent(hint: Any) -> bool:
    return Absent in typing.get_args(hint)


def property_schemas(cls: Any, *, refs: Refs | None = None) -> dict[str, JSONObject]:
    """Each field's schema, in field order."""
    hints = typing.get_type_hints(cls, include_extras=True)
    return {
        f.name: _type_schema(hints[f.name], refs or {}) | f.metadata.get("schema", {})
        for f in dataclasses.fields(cls)
    }


def field_names(cls: Any) -> frozenset[str]:
    """The members a dataclass's JSON object may have: what a validator of it accepts."""
    return frozenset(f.name for f in dataclasses.fields(cls))


def object_schema(
    cls: Any,
    *,
    optional: Collection[str] = (),
    refs: Refs | None = None,
    closed: bool = False,
) -> JSONObject:
    """The JSON object a dataclass is written as: every field required but `optional`
    ones and those that may be `ABSENT`; `closed`: no other member."""
    properties = property_schemas(cls, refs=refs)
    hints = typing.get_type_hints(cls, include_extras=True)
    required = [
        name for name in properties if name not in optional and not _may_be_absent(hints[name])
    ]
    closing = {"additionalProperties": False} if closed else {}
    return {"type": "object", "required": required, "properties": properties, **closing}


def _member(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [_member(item) for item in value]
    to_json = getattr(value, "to_json", None)
    if to_json is not None:
        return to_json()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return members(value)
    return value


def members(record: Any) -> JSONObject:
    """A dataclass as the JSON object its schema describes: its fields in order, those
    `ABSENT` left out, enums as their values, records within as their JSON."""
    found = {}
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        if value is not ABSENT:
            found[f.name] = _member(value)
    return found
