"""Reading a configuration file and locating every problem in it.

The file is parsed once into a YAML node tree (which keeps line numbers) and constructed from
that tree with PyYAML's safe constructor. Its catalogue (``feeds:``, ``topics:``,
``subscriptions:``) is validated by the same functions as the API and the CLI
(:mod:`newswatch.core.validate`), its ``settings:`` block by pydantic; each problem's path
(``("feeds", 3, "url")``) is walked down the node tree to the line it came from.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from newswatch import topics as topic_pack
from newswatch.config import FileSettings
from newswatch.core.catalog import Catalog
from newswatch.core.errors import ConfigError
from newswatch.core.problems import Loc, Problem, describe, did_you_mean, loc_path
from newswatch.core.validate import SECTIONS, PackLookup, check_catalog
from newswatch.delivery.senders import apprise_problem

MAX_CONFIG_BYTES = 5 * 1024 * 1024
TOP_LEVEL_KEYS = ("settings", *SECTIONS)


@dataclasses.dataclass(frozen=True)
class WatchConfig:
    """A configuration file: its ``settings:`` block (checked, applied by
    :func:`newswatch.config.load_settings`), its catalogue, and the warnings about it."""

    settings: Mapping[str, object] = dataclasses.field(default_factory=dict)
    catalog: Catalog = dataclasses.field(default_factory=Catalog)
    warnings: tuple[str, ...] = ()


def load_config(path: Path, *, packs: PackLookup | None = None) -> WatchConfig:
    """Read, validate and return the configuration in ``path``.

    Raises ConfigError listing every problem found, each as ``FILE:LINE: key.path: message``.
    Warnings (a feed on the local network, ...) come back in ``warnings``, located the same
    way."""
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
                f"topics: and subscriptions:, got {describe(data)}"
            ]
        )
    locator = _Locator(path, node)
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            message = (
                f"unknown key {str(key)!r}{did_you_mean(str(key), TOP_LEVEL_KEYS)}; "
                f"allowed here: {', '.join(TOP_LEVEL_KEYS)}"
            )
            found.append(locator.problem((str(key),), message))
    settings_block = data.get("settings")
    if settings_block is None:
        settings_block = {}
    if not isinstance(settings_block, dict):
        found.append(
            locator.problem(("settings",), f"expected a mapping, got {describe(settings_block)}")
        )
    else:
        try:
            FileSettings.model_validate(settings_block)
        except ValidationError as exc:
            found.extend(_from_validation(locator, exc, FileSettings, ("settings",)))
    # topics may name a topic of the shipped pack (`pack: summits`)
    catalog, problems = check_catalog(
        data, packs=packs or topic_pack.lookup, channels=apprise_problem
    )
    warnings = []
    for problem in problems:
        located = locator.located(problem)
        if problem.severity == "error":
            found.append(located)
        else:
            warnings.append(located)
    if found or catalog is None:
        ordered = [message for _, message in sorted(found, key=lambda item: item[0])]
        raise ConfigError(ordered or [f"{path}: invalid configuration"])
    return WatchConfig(
        settings=settings_block,
        catalog=catalog,
        warnings=tuple(message for _, message in sorted(warnings, key=lambda item: item[0])),
    )


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

    def located(self, problem: Problem) -> tuple[int, str]:
        """A validation problem as ``FILE:LINE: path: message``; an entry it refers to is
        named with its line (``topics[0] (line 2)``)."""
        return self.problem(
            problem.loc, problem.text(lambda ref: f"{loc_path(ref)} (line {self.line(ref)})")
        )


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


# -- the settings block (pydantic) ---------------------------------------------------------


def _settings_message(item: Any, allowed: list[str]) -> str:
    kind = item["type"]
    value = item.get("input")
    if kind == "newswatch":  # our own validators: the message is written for the user
        return str(item["msg"])
    if kind == "extra_forbidden":
        key = str(item["loc"][-1])
        return (
            f"unknown key {key!r}{did_you_mean(key, allowed)}; allowed here: {', '.join(allowed)}"
        )
    if kind == "invalid_key":
        return f"keys must be strings, got {describe(value)}"
    return f"{item['msg']}, got {describe(value)}"


def _from_validation(
    locator: _Locator, error: ValidationError, model: type[BaseModel], prefix: Loc
) -> Iterator[tuple[int, str]]:
    allowed = list(model.model_fields)
    for item in error.errors():
        loc = tuple(part for part in item["loc"] if isinstance(part, str | int))
        if item["type"] == "invalid_key":
            loc = (*loc, item["input"]) if not loc or loc[-1] != item["input"] else loc
        yield locator.problem((*prefix, *loc), _settings_message(item, allowed))
