"""Strict reading of JSON content: typed fields, known keys, and errors that name the place.

Raises ``ContentError`` (a ``ValueError``) naming the file, the item and the field at fault.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from enum import StrEnum
from typing import Any, TypeVar

from .model import Basis, Citation, Value

E = TypeVar("E", bound=StrEnum)

ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class ContentError(ValueError):
    """A content release that cannot be served, with the place of the fault."""

    def __init__(self, file: str, item: str | None, field: str | None, problem: str) -> None:
        self.file = file
        self.item = item
        self.field = field
        self.problem = problem
        where = [file]
        if item is not None:
            where.append(f"item '{item}'")
        if field is not None:
            where.append(f"field '{field}'")
        super().__init__(": ".join([*where, problem]))


def parse_json(file: str, data: bytes) -> Any:
    """The JSON of a content file. Raises ContentError when not UTF-8 or not JSON."""
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ContentError(file, None, None, f"is not UTF-8: {error.reason}") from None
    except json.JSONDecodeError as error:
        raise ContentError(
            file, None, None, f"is not valid JSON: {error.msg} at line {error.lineno}"
        ) from None


class Place:
    """Where in the content a value is read, to name it in errors."""

    def __init__(self, file: str, item: str | None = None) -> None:
        self.file = file
        self.item = item

    def error(self, field: str | None, problem: str) -> ContentError:
        return ContentError(self.file, self.item, field or None, problem)


class Object:
    """A JSON object read field by field, with strict key and type checks."""

    def __init__(
        self,
        place: Place,
        data: object,
        path: str,
        required: Iterable[str],
        optional: Iterable[str] = (),
    ) -> None:
        self.place = place
        self.path = path
        if not isinstance(data, dict):
            raise place.error(path, f"must be an object, got {describe(data)}")
        required, optional = set(required), set(optional)
        for key in sorted(data):
            if key not in required | optional:
                raise place.error(self.field(key), "is not a known key")
        for key in sorted(required):
            if key not in data:
                raise place.error(self.field(key), "is required")
        self.data: dict[str, Any] = data

    def field(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def get(self, key: str) -> Any:
        return self.data.get(key)

    def text(self, key: str) -> str:
        return read_text(self.place, self.field(key), self.data[key])

    def optional_text(self, key: str) -> str | None:
        return None if self.data.get(key) is None else self.text(key)

    def texts(self, key: str, *, allow_empty: bool = False) -> tuple[str, ...]:
        return tuple(
            read_text(self.place, path, value)
            for path, value in self.each(key, allow_empty=allow_empty)
        )

    def ident(self, key: str) -> str:
        return read_ident(self.place, self.field(key), self.data[key])

    def idents(self, key: str, *, allow_empty: bool = False) -> tuple[str, ...]:
        found = tuple(
            read_ident(self.place, path, value)
            for path, value in self.each(key, allow_empty=allow_empty)
        )
        no_repeats(self.place, self.field(key), found)
        return found

    def integer(self, key: str, *, minimum: int) -> int:
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.place.error(self.field(key), f"must be an integer, got {describe(value)}")
        if value < minimum:
            raise self.place.error(self.field(key), f"must be at least {minimum}, got {value}")
        return value

    def boolean(self, key: str) -> bool:
        value = self.data[key]
        if not isinstance(value, bool):
            raise self.place.error(self.field(key), f"must be true or false, got {describe(value)}")
        return value

    def enum(self, key: str, enum: type[E]) -> E:
        return read_enum(self.place, self.field(key), self.data[key], enum)

    def enums(self, key: str, enum: type[E]) -> tuple[E, ...]:
        found = tuple(read_enum(self.place, path, value, enum) for path, value in self.each(key))
        no_repeats(self.place, self.field(key), found)
        return found

    def date(self, key: str) -> dt.date:
        text = self.text(key)
        try:
            if DATE_PATTERN.fullmatch(text):
                return dt.date.fromisoformat(text)
        except ValueError:
            pass
        raise self.place.error(self.field(key), f"must be a date YYYY-MM-DD, got {text!r}")

    def child(self, key: str, required: Iterable[str], optional: Iterable[str] = ()) -> Object:
        return Object(self.place, self.data[key], self.field(key), required, optional)

    def children(
        self,
        key: str,
        required: Iterable[str],
        optional: Iterable[str] = (),
        *,
        allow_empty: bool = False,
    ) -> list[Object]:
        return [
            Object(self.place, value, path, required, optional)
            for path, value in self.each(key, allow_empty=allow_empty)
        ]

    def each(self, key: str, *, allow_empty: bool = False) -> Iterator[tuple[str, Any]]:
        """The elements of a list field, each with its path."""
        values = self.data[key]
        if not isinstance(values, list):
            raise self.place.error(self.field(key), f"must be a list, got {describe(values)}")
        if not values and not allow_empty:
            raise self.place.error(self.field(key), "must not be empty")
        for index, value in enumerate(values):
            yield f"{self.field(key)}[{index}]", value


def describe(value: object) -> str:
    """How an error names the JSON type of a value: an object, the number 3, null."""
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"the number {value}"
    return names.get(type(value), type(value).__name__)


def read_text(place: Place, path: str, value: object) -> str:
    """A non-blank string without leading or trailing spaces."""
    if not isinstance(value, str):
        raise place.error(path, f"must be a string, got {describe(value)}")
    if not value.strip():
        raise place.error(path, "must not be blank")
    if value != value.strip():
        raise place.error(path, "must not start or end with spaces")
    return value


def read_ident(place: Place, path: str, value: object) -> str:
    """A kebab-case id."""
    text = read_text(place, path, value)
    if not ID_PATTERN.fullmatch(text):
        raise place.error(path, f"must be a kebab-case id such as 'heel-raises', got {text!r}")
    return text


def read_enum(place: Place, path: str, value: object, enum: type[E]) -> E:
    """The member of `enum` that a string names; the error lists every value."""
    allowed = ", ".join(member.value for member in enum)
    if not isinstance(value, str) or value not in enum._value2member_map_:
        raise place.error(path, f"must be one of {allowed}, got {value!r}")
    return enum(value)


def no_repeats(place: Place, path: str, values: Iterable[object]) -> None:
    """Raises ContentError at `path` when a value occurs twice."""
    seen: set[object] = set()
    for value in values:
        if value in seen:
            raise place.error(path, f"repeats '{value}'")
        seen.add(value)


def citations(obj: Object, key: str = "sources") -> tuple[Citation, ...]:
    """The citation objects of a list field: each a source id and a section."""
    return tuple(
        Citation(source=cited.ident("source"), section=cited.text("section"))
        for cited in obj.children(key, ("source", "section"))
    )


def read_value(obj: Object, key: str, *, minimum: int) -> Value[int] | None:
    """The value under `key`, None when it is null or absent: an integer, at least minimum."""
    if obj.get(key) is None:
        return None
    child = obj.child(key, ("value", "basis"), ("note",))
    return Value(
        child.integer("value", minimum=minimum),
        child.enum("basis", Basis),
        child.optional_text("note"),
    )
