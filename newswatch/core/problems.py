"""What is wrong with an input, and where: the one shape of a validation problem, whatever read
the input (a YAML file, an API request, a command line).

A problem names the field it is about as a path (``("topics", 2)`` is the third topic of a
subscription), the character position inside the field's text when it has one (a fault in a
query), and a hint. The reader of the input turns the path into its own terms: a file line
(``newswatch check``), a JSON field (the API's 422), an option (the CLI).
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal

from newswatch.core.errors import NewswatchError

Loc = tuple[str | int, ...]
Severity = Literal["error", "warning"]


@dataclasses.dataclass(frozen=True)
class Problem:
    loc: Loc  # the field, relative to what was validated
    message: str  # for people: what is wrong and why (position and hint included)
    position: int | None = None  # 0-based offset in the field's text (query faults)
    hint: str = ""
    ref: Loc | None = None  # the entry ``{ref}`` in the message names (a duplicate's first)
    severity: Severity = "error"

    def within(self, *prefix: str | int) -> Problem:
        """The same problem, located below ``prefix`` (an entry of a list)."""
        return dataclasses.replace(self, loc=(*prefix, *self.loc))

    def text(self, name_ref: Callable[[Loc], str] | None = None) -> str:
        """The message, with the entry it refers to (``{ref}``) named by ``name_ref`` (a file
        adds the line), by its path otherwise."""
        if self.ref is None:
            return self.message
        return self.message.replace("{ref}", (name_ref or loc_path)(self.ref))

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of the API's 422 answers."""
        out: dict[str, Any] = {"field": loc_path(self.loc), "message": self.text()}
        if self.position is not None:
            out["position"] = self.position + 1  # as the message counts: from 1
            out["offset"] = self.position  # to slice the field's text: from 0
        if self.hint:
            out["hint"] = self.hint
        if self.severity != "error":
            out["severity"] = self.severity
        return out


class InvalidInput(NewswatchError):
    """An item (or a whole catalogue) failed validation; ``problems`` lists every fault."""

    reason = "invalid"

    def __init__(self, problems: Sequence[Problem], *, what: str = ""):
        self.problems = tuple(problems)
        self.what = what  # the kind of input ("topic"), for messages
        super().__init__("; ".join(f"{loc_path(p.loc) or 'input'}: {p.text()}" for p in problems))


def loc_path(loc: Loc) -> str:
    """``("feeds", 3, "url")`` -> ``feeds[3].url``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``choices``, else ""."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def describe(value: object) -> str:
    """A value as the user wrote it, for "expected X, got Y" messages."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f"a string ({shown!r})"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"
