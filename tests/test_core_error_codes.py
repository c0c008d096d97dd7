"""Every error code the server raises is in the one registry, with the status it is
raised with."""

from __future__ import annotations

import ast
from pathlib import Path

from courtwire import exceptions
from courtwire.exceptions import ERROR_CODES, CourtwireError

SERVER = Path(exceptions.__file__).parent


def raised_codes() -> list[tuple[str, str, int]]:
    """(where, code, status) for each exception built with an explicit `code=`."""
    classes = {
        name: value
        for name, value in vars(exceptions).items()
        if isinstance(value, type) and issubclass(value, CourtwireError)
    }
    found = []
    for path in sorted(SERVER.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            cls = classes.get(node.func.id)
            for keyword in node.keywords:
                if cls and keyword.arg == "code" and isinstance(keyword.value, ast.Constant):
                    where = f"{path.relative_to(SERVER)}:{node.lineno}"
                    found.append((where, str(keyword.value.value), cls.status))
    return found


def test_every_raised_code_is_registered_with_its_status() -> None:
    found = raised_codes()
    assert len(found) > 30
    for where, code, status in found:
        assert code in ERROR_CODES, f"{where}: {code} is not in ERROR_CODES"
        if status != 500:  # the base class, as errors.py builds Starlette's own errors
            assert ERROR_CODES[code][0] == status, f"{where}: {code} raised with {status}"


def test_each_class_default_code_is_registered_with_its_status() -> None:
    for value in vars(exceptions).values():
        if isinstance(value, type) and issubclass(value, CourtwireError):
            assert ERROR_CODES[value.code][0] == value.status, value.__name__
