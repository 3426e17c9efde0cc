"""Plain data to JSON text and back, for what the build keeps on disk between runs.

Why not pickle: loading a pickle runs whatever the file asks for, so anyone who can
write the output folder would run code on the next ``kg build --update``. Decoding here
only ever makes lists, tuples, dicts, strings, numbers, booleans, None and instances of
the classes registered below (the allow-list); a type name in the file is looked up in
that registry, never imported. A file that is not exactly what ``encode`` writes (cut
short, edited, an unknown class, a field missing or of the wrong type) raises
``CodecError`` instead of giving back something half right.

The codec knows no class of the project by itself: a dataclass is encoded by its fields
(``dataclasses.fields``), so a class that gains, loses or renames a field needs no change
here, and a file written with the old fields no longer decodes. The code that keeps data
registers the dataclasses it keeps (``register``); a class that is not a dataclass is
turned into plain data by that code itself (``kg.pipeline.cache`` does so for ``ArticleFindings``).

Layout: a list is a JSON array; every other container is a JSON object tagged by "@":
``{"@": "tuple", "items": [...]}`` (so a tuple comes back a tuple and compares equal),
``{"@": "dict", "items": [[key, value], ...]}`` (keys of any encodable type, in order),
and ``{"@": "ClassName", "field": value, ...}`` for a registered class.
"""
from __future__ import annotations

import dataclasses
import json
import types
import typing
from typing import Any, Callable

_TAG = "@"
_BUILTIN_TAGS = ("tuple", "dict")


class CodecError(ValueError):
    """The text is not a value ``encode`` could have written with the registered classes."""


_BY_NAME: dict[str, type] = {}
_BY_CLASS: dict[type, str] = {}
_MAKERS: dict[str, Callable[[dict[str, Any]], Any]] = {}
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}  # a registered class's fields, read once (encoding is hot)
_HAS_LATER: dict[type, bool] = {}  # a registered class with fields its __init__ does not take


def register(*classes: type) -> None:
    """Allow these dataclasses to be encoded and decoded, each under its class name."""
    for cls in classes:
        if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
            raise TypeError(f"{cls!r} is not a dataclass: only dataclasses are encoded by their fields")
        name = cls.__qualname__
        if name in _BUILTIN_TAGS:
            raise ValueError(f"a class cannot be named {name!r} here: the codec uses that tag itself")
        known = _BY_NAME.get(name)
        if known is not None and known is not cls:
            raise ValueError(f"two classes named {name!r}: in {known.__module__} and in {cls.__module__}")
        _BY_NAME[name], _BY_CLASS[cls], _MAKERS[name] = cls, name, _dataclass_maker(cls)
        _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
        _HAS_LATER[cls] = any(not f.init for f in dataclasses.fields(cls))


def registered() -> dict[str, type]:
    """The allow-list: every class the codec decodes, by the name it is written under."""
    return dict(_BY_NAME)


# ---------------------------------------------------------------------------
# Encoding
# ---------------------------------------------------------------------------


def encode(value: Any) -> str:
    """JSON text of ``value``. Raises ``TypeError`` for a value of a type that is not plain
    data or a registered class (a subclass of str or int is not either: it would come back
    as its base type)."""
    return json.dumps(to_plain(value), ensure_ascii=False, separators=(",", ":"))


def to_plain(value: Any) -> Any:
    """``value`` as JSON-ready lists, dicts, strings, numbers, booleans and None."""
    kind = type(value)
    if value is None or kind is str or kind is int or kind is float or kind is bool:
        return value
    if kind is list:
        return [to_plain(v) for v in value]
    if kind is tuple:
        return {_TAG: "tuple", "items": [to_plain(v) for v in value]}
    if kind is dict:
        return {_TAG: "dict", "items": [[to_plain(k), to_plain(v)] for k, v in value.items()]}
    name = _BY_CLASS.get(kind)
    if name is None:
        raise TypeError(f"cannot encode a {kind.__module__}.{kind.__qualname__}: "
                        "register it with kg.pipeline.codec.register")
    out = {_TAG: name}
    for field_name in _FIELD_NAMES[kind]:
        out[field_name] = to_plain(getattr(value, field_name))
    return out


# ---------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------


def decode(text: str | bytes, *, verified: bool = False) -> Any:
    """The value whose ``encode`` is ``text``; ``CodecError`` for anything else. ``verified``: the text is
    known to be what ``encode`` wrote (its MAC was checked, ``kg.pipeline.state``), so a registered class
    is made without testing each field against its annotation (it still has to be registered)."""
    try:
        return json.loads(text, object_hook=_from_verified if verified else _from_object)
    except CodecError:
        raise
    except Exception as err:  # bad JSON, an unhashable key, a registered class's __init__ refusing a value
        raise CodecError(f"{type(err).__name__}: {err}") from None


def _from_verified(obj: dict) -> Any:
    tag = obj.get(_TAG)
    cls = _BY_NAME.get(tag) if type(tag) is str else None
    if cls is None or not _FIELD_NAMES.get(cls) or _HAS_LATER.get(cls, True):
        return _from_object(obj)  # tuples, dicts, and what the checked maker makes
    del obj[_TAG]
    return cls(**obj)


def _from_object(obj: dict) -> Any:
    """One JSON object, its contents already decoded (``json`` calls this innermost first)."""
    tag = obj.pop(_TAG, None)
    if tag == "tuple" or tag == "dict":
        items = obj.pop("items", None)
        if obj or type(items) is not list:
            raise CodecError(f"a {tag} is written as {{\"@\": \"{tag}\", \"items\": [...]}}")
        if tag == "tuple":
            return tuple(items)
        if not all(type(pair) is list and len(pair) == 2 for pair in items):
            raise CodecError("a dict's items are [key, value] pairs")
        return dict(items)  # an unhashable key raises TypeError
    make = _MAKERS.get(tag) if type(tag) is str else None
    if make is None:
        raise CodecError(f"not a registered class: {tag!r}")
    return make(obj)


def _dataclass_maker(cls: type) -> Callable[[dict[str, Any]], Any]:
    """Builds ``cls`` from exactly its fields, each of its annotated type (``checker``),
    through its own ``__init__`` (fields with ``init=False`` set afterwards)."""
    fields = dataclasses.fields(cls)
    names = {f.name for f in fields}
    init = [f.name for f in fields if f.init]
    later = [f.name for f in fields if not f.init]
    checks: dict[str, Callable[[Any], bool]] | None = None

    def make(values: dict[str, Any]) -> Any:
        nonlocal checks
        if values.keys() != names:
            raise CodecError(f"{cls.__qualname__}: fields {sorted(values)}, expected {sorted(names)}")
        if checks is None:  # resolved on first use: every class the annotations name is imported by then
            try:
                hints = typing.get_type_hints(cls)
            except Exception:  # a name imported only for type checkers: the types are not checked
                hints = {}
            checks = {name: checker(hints.get(name, Any)) for name in names}
        for name, value in values.items():
            if not checks[name](value):
                raise CodecError(f"{cls.__qualname__}.{name}: a {type(value).__name__} does not fit the annotation")
        obj = cls(**{name: values[name] for name in init})
        for name in later:
            object.__setattr__(obj, name, values[name])
        return obj

    return make


def _anything(value: Any) -> bool:
    return True


def checker(hint: Any) -> Callable[[Any], bool]:
    """A test of whether a decoded value is of the annotated type: builtin types, registered
    classes, ``X | None``, ``list[T]``, ``tuple[T, ...]``, ``tuple[A, B]``, ``dict[K, V]``
    and ``Any``; an annotation of another form is not checked. ``int`` is not met by a bool
    (JSON tells them apart); ``float`` is met by an int, as in Python's typing."""
    if hint is Any or hint is object:
        return _anything
    if hint is None or hint is type(None):
        return lambda value: value is None
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        options = [checker(option) for option in typing.get_args(hint)]
        return lambda value: any(check(value) for check in options)
    if origin is None:
        if not isinstance(hint, type):
            return _anything  # a TypeVar, a Literal, a string left unresolved...
        if hint is int:
            return lambda value: type(value) is int
        if hint is float:
            return lambda value: type(value) is float or type(value) is int
        return lambda value: isinstance(value, hint)
    args = typing.get_args(hint)
    if not isinstance(origin, type):
        return _anything
    if not args or origin not in (list, tuple, dict):
        return lambda value: isinstance(value, origin)
    if origin is dict:
        key, item = checker(args[0]), checker(args[1])
        return lambda value: isinstance(value, dict) and all(key(k) and item(v) for k, v in value.items())
    if origin is list or (len(args) == 2 and args[1] is Ellipsis):
        item = checker(args[0])
        return lambda value: isinstance(value, origin) and all(item(v) for v in value)
    items = [checker(a) for a in args]
    return lambda value: (isinstance(value, tuple) and len(value) == len(items)
                          and all(check(v) for check, v in zip(items, value)))
