"""Reading a watch configuration file and locating every problem in it.

The file is parsed once into a YAML node tree (which keeps line numbers) and constructed from
that tree with PyYAML's safe constructor. Pydantic validates the data; each error's ``loc``
path (``("feeds", 3, "url")``) is walked down the node tree to the line it came from. Checks
that span several entries (duplicate URLs and names, subscriptions naming unknown topics) run
on the raw data, so that one bad entry never hides the problems of another.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from newswatch.config import (
    FileSettings,
    WatchConfig,
    feed_url_problem,
)
from newswatch.core.errors import ConfigError

MAX_CONFIG_BYTES = 5 * 1024 * 1024

Loc = tuple[str | int, ...]


def read_watch_config(path: Path) -> WatchConfig:
    """See ``newswatch.config.load_config``."""
    text = _read_text(path)
    node, data, found = _parse_yaml(text, path)
    if node is None or data is None:
        raise ConfigError(
            [
                f"{path}: the file is empty; expected a mapping with feeds:, topics: and "
                "subscriptions:"
            ]
        )
    if not isinstance(data, dict):
        raise ConfigError(
            [
                f"{path}:{node.start_mark.line + 1}: the top level must be a mapping with feeds:, "
                f"topics: and subscriptions:, got {_describe(data)}"
            ]
        )
    locator = _Locator(path, node)
    config: WatchConfig | None = None
    try:
        config = WatchConfig.model_validate(data)
    except ValidationError as exc:
        found.extend(_from_validation(locator, exc, WatchConfig, ()))
    settings_block = data.get("settings")
    if isinstance(settings_block, dict):
        try:
            FileSettings.model_validate(settings_block)
        except ValidationError as exc:
            found.extend(_from_validation(locator, exc, FileSettings, ("settings",)))
    found.extend(_cross_checks(locator, data))
    if found or config is None:
        ordered = [message for _, message in sorted(found, key=lambda item: item[0])]
        raise ConfigError(ordered or [f"{path}: invalid configuration"])
    return config


# -- reading and parsing ---------------------------------------------------------------------


def _read_text(path: Path) -> str:
    try:
        if path.is_dir():
            raise ConfigError([f"{path}: is a directory, not a configuration file"])
        if path.exists() and not path.is_file():
            raise ConfigError([f"{path}: not a regular file"])
        with path.open("rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError([f"{path}: no such file"]) from None
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read: {exc.strerror or exc}"]) from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(
            [
                f"{path}: larger than {MAX_CONFIG_BYTES // (1024 * 1024)} MB; a watch "
                "configuration is a few kilobytes, so this is probably not the right file"
            ]
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(
            [
                f"{path}:{line}: not UTF-8 text (invalid byte 0x{raw[exc.start]:02x} "
                f"at offset {exc.start})"
            ]
        ) from None


def _parse_yaml(text: str, path: Path) -> tuple[Node | None, Any, list[tuple[int, str]]]:
    """One parse: the node tree (for line numbers), the data constructed from it, and the
    duplicate keys (found before construction, which folds merge keys into the tree)."""
    try:
        loader = yaml.SafeLoader(text)  # the reader refuses control characters up front
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise ConfigError(
            [
                f"{path}:{line}:{column}: YAML cannot contain the control character "
                f"U+{exc.character:04X}"
            ]
        ) from None
    try:
        node = loader.get_single_node()
        duplicates = list(_duplicate_keys(path, node)) if node is not None else []
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        what = " ".join(part for part in (exc.context, exc.problem) if part) or str(exc)
        if isinstance(exc, yaml.constructor.ConstructorError):
            # e.g. !!python/object: safe loading refuses every tag that builds objects
            raise ConfigError([f"{where}: YAML value not allowed: {what}"]) from None
        raise ConfigError([f"{where}: YAML syntax error: {what}"]) from None
    except yaml.YAMLError as exc:
        raise ConfigError([f"{path}: YAML error: {exc}"]) from None
    except RecursionError:
        raise ConfigError([f"{path}: YAML nesting is too deep"]) from None
    finally:
        loader.dispose()
    return node, data, duplicates


# -- locating ------------------------------------------------------------------------------------


def loc_path(loc: Loc) -> str:
    """``("feeds", 3, "url")`` -> ``feeds[3].url``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


class _Locator:
    """Maps a key path to the line of the YAML node it names."""

    def __init__(self, path: Path, root: Node):
        self.path = path
        self.root = root

    def line(self, loc: Loc) -> int:
        """The 1-based line of the deepest node along ``loc`` (a missing key: its parent).
        For a mapping entry, the line of its key (where the reader looks)."""
        node = self.root
        line = node.start_mark.line + 1
        for part in loc:
            child = _child(node, part)
            if child is None:
                break
            key_node, node = child
            line = (key_node or node).start_mark.line + 1
        return line

    def problem(self, loc: Loc, message: str) -> tuple[int, str]:
        line = self.line(loc)
        where = loc_path(loc)
        return line, f"{self.path}:{line}: {where + ': ' if where else ''}{message}"


def _child(node: Node, part: str | int) -> tuple[Node | None, Node] | None:
    if isinstance(node, SequenceNode) and isinstance(part, int):
        if 0 <= part < len(node.value):
            return None, node.value[part]
        return None
    if isinstance(node, MappingNode):
        # The last spelling of a repeated key is the one that counts (as in the loaded data).
        for key, value in reversed(node.value):
            if isinstance(key, ScalarNode) and key.value == str(part):
                return key, value
    return None


def _duplicate_keys(path: Path, root: Node) -> Iterator[tuple[int, str]]:
    """YAML lets a later key silently replace an earlier one; we call it out."""
    stack: list[tuple[Node, Loc]] = [(root, ())]
    visited: set[int] = set()  # aliases share nodes: visit each once
    while stack:
        node, loc = stack.pop()
        if id(node) in visited:
            continue
        visited.add(id(node))
        if isinstance(node, MappingNode):
            first_line: dict[str, int] = {}
            for key, value in node.value:
                if isinstance(key, ScalarNode) and key.value != "<<":
                    line = key.start_mark.line + 1
                    if key.value in first_line:
                        where = loc_path((*loc, key.value))
                        yield (
                            line,
                            (
                                f"{path}:{line}: {where}: duplicate key (also at line "
                                f"{first_line[key.value]}); YAML would silently keep only the last"
                            ),
                        )
                    else:
                        first_line[key.value] = line
                    stack.append((value, (*loc, key.value)))
        elif isinstance(node, SequenceNode):
            stack.extend((item, (*loc, index)) for index, item in enumerate(node.value))


# -- pydantic errors -------------------------------------------------------------------------


def _describe(value: object) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f"a string ({shown!r})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"


def _allowed_keys(model: type[BaseModel], loc: Loc) -> list[str]:
    """The field names of the model found at ``loc`` (below ``model``), for hints."""
    current: Any = model
    for part in loc:
        if isinstance(current, type) and issubclass(current, BaseModel) and isinstance(part, str):
            field = current.model_fields.get(part)
            current = field.annotation if field else None
        elif isinstance(part, int) and typing.get_origin(current) is list:
            current = typing.get_args(current)[0]
        else:
            return []
        if isinstance(current, types.UnionType):
            args = [arg for arg in typing.get_args(current) if arg is not type(None)]
            current = args[0] if len(args) == 1 else None
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _unknown_key(key: str, allowed: list[str]) -> str:
    message = f"unknown key {key!r}"
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        message += f" (did you mean {close[0]!r}?)"
    if allowed:
        message += f"; allowed here: {', '.join(allowed)}"
    return message


def _message(item: Any, model: type[BaseModel], loc: Loc) -> str:
    kind = item["type"]
    value = item.get("input")
    if kind == "newswatch":  # our own validators: the message is written for the user
        return str(item["msg"])
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        return _unknown_key(str(loc[-1]), _allowed_keys(model, loc[:-1]))
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        allowed = _allowed_keys(model, loc)
        keys = f" with keys {', '.join(allowed)}" if allowed else ""
        return f"expected a mapping{keys}, got {_describe(value)}"
    if kind == "list_type":
        return f"expected a list, got {_describe(value)}"
    if kind == "string_type":
        return f"expected a string, got {_describe(value)}"
    if kind == "too_short" and isinstance(value, list) and not value:
        return "must not be empty"
    if kind == "invalid_key":
        return f"keys must be strings, got {_describe(value)}"
    return f"{item['msg']}, got {_describe(value)}"


def _from_validation(
    locator: _Locator, error: ValidationError, model: type[BaseModel], prefix: Loc
) -> Iterator[tuple[int, str]]:
    for item in error.errors():
        loc = tuple(part for part in item["loc"] if isinstance(part, str | int))
        if item["type"] == "invalid_key":
            loc = (*loc, item["input"]) if not loc or loc[-1] != item["input"] else loc
        yield locator.problem((*prefix, *loc), _message(item, model, loc))


# -- checks across entries -------------------------------------------------------------------

_UNIQUE_FIELD = {"feeds": "url", "topics": "name", "subscriptions": "name"}


def _entries(data: dict[str, Any], key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    value = data.get(key)
    if isinstance(value, list):
        for index, entry in enumerate(value):
            if isinstance(entry, dict):
                yield index, entry


def _feed_identity(url: str) -> str:
    """Two spellings of one feed URL (host case, default port, tracking parameters) are one."""
    from newswatch.core.errors import InvalidURLError
    from newswatch.core.urls import canonical_url

    try:
        return canonical_url(url)
    except InvalidURLError:
        return url


def _repeats(
    data: dict[str, Any], section: str, field: str, identity: Callable[[str], str] = str
) -> Iterator[tuple[int, str, int]]:
    """(index, value, index of the first entry with the same identity) for every entry of
    ``section`` whose ``field`` repeats an earlier one."""
    first_of: dict[str, int] = {}
    for index, entry in _entries(data, section):
        value = entry.get(field)
        if isinstance(value, str):
            first = first_of.setdefault(identity(value), index)
            if first != index:
                yield index, value, first


def _cross_checks(locator: _Locator, data: dict[str, Any]) -> Iterator[tuple[int, str]]:
    def repeated(section: str, index: int, first: int, message: str) -> tuple[int, str]:
        line = locator.line((section, first, _UNIQUE_FIELD[section]))
        return locator.problem(
            (section, index, _UNIQUE_FIELD[section]),
            message.format(first=f"{section}[{first}] (line {line})"),
        )

    valid_urls = {
        index: entry["url"]
        for index, entry in _entries(data, "feeds")
        if isinstance(entry.get("url"), str) and feed_url_problem(entry["url"]) is None
    }
    for index, url, first in _repeats(data, "feeds", "url", _feed_identity):
        if index in valid_urls and first in valid_urls:
            yield repeated(
                "feeds",
                index,
                first,
                f"duplicate feed URL {url!r}: the same feed as {{first}}; "
                "each feed is polled once, so list it once",
            )
    for index, name, first in _repeats(data, "topics", "name"):
        yield repeated(
            "topics",
            index,
            first,
            f"duplicate topic name {name!r}: already used by {{first}}; "
            "alerts are filed by topic name, so names must be unique",
        )
    for index, name, first in _repeats(data, "subscriptions", "name"):
        yield repeated(
            "subscriptions",
            index,
            first,
            f"duplicate subscription name {name!r}: already used by {{first}}",
        )

    topic_names = {
        entry["name"] for _, entry in _entries(data, "topics") if isinstance(entry.get("name"), str)
    }
    topics_known = isinstance(data.get("topics", []), list)
    for index, entry in _entries(data, "subscriptions"):
        wanted = entry.get("topics")
        if not topics_known or not isinstance(wanted, list):
            continue
        for position, topic in enumerate(wanted):
            if isinstance(topic, str) and topic not in topic_names:
                yield locator.problem(
                    ("subscriptions", index, "topics", position),
                    _unknown_topic(topic, sorted(topic_names)),
                )


def _unknown_topic(topic: str, defined: list[str]) -> str:
    message = f"unknown topic {topic!r}"
    close = difflib.get_close_matches(topic, defined, n=1, cutoff=0.6)
    if close:
        message += f" (did you mean {close[0]!r}?)"
    if defined:
        message += f"; topics defined under topics: are {', '.join(defined)}"
    else:
        message += "; no topics are defined under topics:"
    return message
