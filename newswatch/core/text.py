"""Text normalisation shared by matching and fingerprinting: case- and accent-insensitive,
word-boundary tokens.

Chinese, Japanese and Korean are written without spaces between words (Korean attaches its
particles to the word), and nothing here segments words. Each CJK character is therefore a
token of its own: a CJK term of a query is a phrase of its characters, so it matches wherever
those characters stand in a row, i.e. as a substring of a run of CJK text.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
from collections.abc import Iterator


def _scan_marks() -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Two lists of code point ranges: every combining mark (Unicode categories Mn, Mc, Me),
    and every character with a non-zero canonical combining class (what accent folding
    strips).

    Python's ``\\w`` leaves marks out, so without them a Devanagari or Bengali word breaks
    at every vowel sign. Both sets sit between U+0300 and U+1EFFF, plus the variation
    selectors supplement; scanning that range costs about 15 ms once per process.
    """
    marks: list[tuple[int, int]] = []
    combining: list[tuple[int, int]] = []
    for code in range(0x0300, 0x1F000):
        char = chr(code)
        if unicodedata.category(char)[0] == "M":
            _extend(marks, code)
        if unicodedata.combining(char):
            _extend(combining, code)
    marks.append((0xE0100, 0xE01EF))
    return marks, combining


def _extend(runs: list[tuple[int, int]], code: int) -> None:
    if runs and runs[-1][1] == code - 1:
        runs[-1] = (runs[-1][0], code)
    else:
        runs.append((code, code))


def _class_body(runs: list[tuple[int, int]], *, bmp_only: bool = False) -> str:
    return "".join(
        f"{re.escape(chr(a))}-{re.escape(chr(min(b, 0xFFFF) if bmp_only else b))}"
        for a, b in runs
        if not bmp_only or a <= 0xFFFF
    )


_MARK_RUNS, _COMBINING_RUNS = _scan_marks()
MARKS = _class_body(_MARK_RUNS)
_COMBINING_CLASS = _class_body(_COMBINING_RUNS)
# Han, kana and Hangul as they stand after folding (NFKD maps half-width kana and compatibility
# ideographs and jamo onto these blocks)
_CJK_BMP = (
    "\u1100-\u11ff\u3005-\u3007\u3021-\u3029\u3031-\u3035\u3038-\u303c\u3041-\u309f"
    "\u30a0-\u30ff\u3131-\u318e\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f"
    "\uac00-\ud7af\ud7b0-\ud7ff\uf900-\ufaff"
)
CJK = _CJK_BMP + "\U00020000-\U0003134f"
# a "word": one CJK character, or letters and digits with the combining marks inside them
# (vowel signs, viramas); apostrophes and hyphens split words
WORD = re.compile(rf"[{CJK}]|[^\W_{CJK}]+(?:[{MARKS}]+[^\W_{CJK}]*)*")
# The same definition, faster where a text allows it. A character class that reaches beyond
# the Basic Multilingual Plane makes Python's re test its ranges one by one (twice the time of
# the whole tokenisation), so texts without such characters get classes without them, texts
# without CJK a pattern without the CJK branch, ASCII texts a plain one.
_WORD_ASCII = re.compile(r"[A-Za-z0-9]+")  # NFKD can make capitals ("𝐀" -> "A")
_WORD_BMP = re.compile(rf"[^\W_]+(?:[{_class_body(_MARK_RUNS, bmp_only=True)}]+[^\W_]*)*")
_HAS_CJK_BMP = re.compile(f"[{_CJK_BMP}]")
_CJK_CHAR = re.compile(f"[{CJK}]")
_COMBINING_BMP = re.compile(f"[{_class_body(_COMBINING_RUNS, bmp_only=True)}]+")
_SPACE = re.compile(r"\s+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
# characters that can fold into nothing or compose with their neighbour (marks, conjoining
# jamo, the half-width kana voicing marks): a run without them folds character by character
_SHRINKING = re.compile(
    f"[{MARKS}{_COMBINING_CLASS}\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff\uff9e\uff9f]"
)


def beyond_bmp(text: str) -> bool:
    """Whether ``text`` holds a character beyond the Basic Multilingual Plane: each takes two
    UTF-16 code units (a lone surrogate one). On an article's text that is a fortieth of the
    time of ``max(text) > "\uffff"``, which compares every character in Python."""
    return len(text.encode("utf-16-le", "surrogatepass")) != 2 * len(text)


def fold(text: str) -> str:
    """Case-fold and strip accents ("Élysée" -> "elysee"), keeping every other character."""
    if text.isascii():
        return text.lower()  # what the general path gives for ASCII, ten times faster
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    if beyond_bmp(decomposed):
        stripped = "".join(itertools.filterfalse(unicodedata.combining, decomposed))
    else:
        stripped = _COMBINING_BMP.sub("", decomposed)
    return unicodedata.normalize("NFC", stripped)


def words_pattern(folded: str) -> re.Pattern[str]:
    """The fastest pattern that finds the words (:data:`WORD`) of this folded text."""
    if folded.isascii():
        return _WORD_ASCII
    if beyond_bmp(folded) or _HAS_CJK_BMP.search(folded):
        return WORD
    return _WORD_BMP


def tokenize(text: str) -> list[str]:
    """The folded words of ``text``, in order."""
    folded = fold(text)
    return words_pattern(folded).findall(folded)


def line_words(text: str) -> Iterator[str]:
    """The words of each line of ``text`` that has any, joined by single spaces, as
    ``" ".join(tokenize(line))`` for each of ``text.splitlines()`` gives them, with the text
    folded and its pattern chosen once rather than once per line (folding keeps every line
    break and makes none, and a text's pattern finds the words of any part of it; a line of
    accents alone may fold to nothing, and a last line to no line)."""
    folded = fold(text)
    pattern = words_pattern(folded)
    return (words for line in folded.splitlines() if (words := " ".join(pattern.findall(line))))


def is_cjk(word: str) -> bool:
    """Whether a token is a CJK character (see the module docstring)."""
    return _CJK_CHAR.fullmatch(word) is not None


def normalize_whitespace(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


# a run's irregular segments (folded start, folded length, original start, original length;
# offsets within the run) and how much folding lengthens it
_Segments = tuple[tuple[tuple[int, int, int, int], ...], int]


def _run_segments(run: str) -> _Segments:
    """The irregular segments of a run of non-ASCII characters (see ``FoldedOffsets``):
    news text repeats a few short runs (quotes, dashes, accented letters) hundreds of times,
    each worked out once per process; a long run (a sentence of Cyrillic, CJK) is not kept."""
    return _short_run_segments(run) if len(run) <= _SHORT_RUN else _segments_of(run)


def _segments_of(run: str) -> _Segments:
    folded = len(fold(run))
    if folded == len(run) and not _SHRINKING.search(run):
        return (), 0  # no character shrinks, so none grew either
    pieces = [len(fold(char)) for char in run]
    if sum(pieces) != folded:  # mapped as a whole
        return ((0, folded, 0, len(run)),), folded - len(run)
    segments = []
    shift = 0
    for offset, length in enumerate(pieces):
        if length != 1:
            segments.append((offset + shift, length, offset, 1))
            shift += length - 1
    return tuple(segments), shift


_SHORT_RUN = 16
_short_run_segments = functools.lru_cache(maxsize=1 << 12)(_segments_of)
_ASCII_BYTES = bytes(range(128))
# what folds from Hangul jamo: composes with the jamo beside it (compatibility jamo fold to it)
_JAMO = re.compile("[\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff]")


@functools.lru_cache(maxsize=1 << 12)
def _folds_alone(char: str) -> bool:
    """Whether ``char`` folds to one character wherever it stands: not a mark (which folds
    into nothing or joins the letter before it) and not what folds to a jamo (which composes
    with the one beside it). A text of such characters and ASCII keeps every offset (a set
    of its characters is quicker to make than a scan for its runs of non-ASCII ones)."""
    folded = fold(char)
    return len(folded) == 1 and not _SHRINKING.search(char) and not _JAMO.search(folded)


def _odd_runs(text: str, odd: list[str]) -> list[tuple[int, int]]:
    """The runs of non-ASCII characters of ``text`` (each as long as it goes) holding a
    character of ``odd``, as (start, end), in order. Each run is found once, from its first
    odd character (a scan for them in C; the rest of the run is skipped), so the work grows
    with the text, however many odd characters a run holds (Thai, a wall of marks)."""
    runs: list[tuple[int, int]] = []
    if not odd:
        return runs
    end = 0  # the end of the run found last
    for found in re.finditer(f"[{re.escape(''.join(odd))}]", text):
        at = found.start()
        if at < end:
            continue
        start = at
        while start > end and not text[start - 1].isascii():
            start -= 1
        end = _NON_ASCII.match(text, at).end()  # type: ignore[union-attr]  # at is non-ASCII
        runs.append((start, end))
    return runs


class FoldedOffsets:
    """Maps offsets in ``fold(text)`` back to offsets in ``text``.

    Folding changes lengths here and there ("ß" -> "ss", a decomposed accent disappears), so
    the tokens of the folded text must be mapped back to show them in the original. ASCII runs
    keep their length; each run of other characters is folded on its own, and only where some
    character of it may change length is it mapped character by character. A run whose
    characters compose into fewer (decomposed Hangul) is mapped as a whole: offsets inside it
    go to its ends.
    """

    def __init__(self, text: str) -> None:
        # irregular segments, ascending: folded [start, end) <- original [start, end)
        self._fold_starts: list[int] = []
        self._fold_ends: list[int] = []
        self._orig_starts: list[int] = []
        self._orig_ends: list[int] = []
        if text.isascii():
            return
        # its non-ASCII characters (the ASCII bytes of its UTF-8 deleted: quicker than a
        # scan for them by character)
        others = text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES)
        odd = [c for c in set(others.decode("utf-8", "surrogatepass")) if not _folds_alone(c)]
        if not odd:
            return  # most news text: quotes, dashes, accented letters
        # a run without an odd character folds character by character, each to one: no
        # segment, no shift. Only the runs holding one are worked out (a text with one "…"
        # among hundreds of quotes and dashes mapped them all, a run at a time, in Python)
        shift = 0  # folded offset minus original offset, before the current run
        for start, end in _odd_runs(text, odd):
            segments, change = _run_segments(text[start:end])
            for fold_at, fold_length, orig_at, orig_length in segments:
                self._segment(start + shift + fold_at, fold_length, start + orig_at, orig_length)
            shift += change

    def _segment(
        self, fold_start: int, fold_length: int, orig_start: int, orig_length: int
    ) -> None:
        self._fold_starts.append(fold_start)
        self._fold_ends.append(fold_start + fold_length)
        self._orig_starts.append(orig_start)
        self._orig_ends.append(orig_start + orig_length)

    def segments(self) -> tuple[list[int], list[int], list[int], list[int]]:
        """The irregular segments: their starts and ends in the folded text, then in the
        original (as ``kernel.original_offsets`` takes them)."""
        return self._fold_starts, self._fold_ends, self._orig_starts, self._orig_ends

    def keeps_offsets(self) -> bool:
        """Whether every folded offset is the original one (no character changed length:
        most non-ASCII news text, its quotes and dashes)."""
        return not self._fold_starts

    def start(self, offset: int) -> int:
        """The original offset where the folded character at ``offset`` begins."""
        return original_offset(offset, False, *self.segments())

    def end(self, offset: int) -> int:
        """The original offset just after the folded text ending at ``offset`` (a stripped
        accent right after it is included)."""
        return original_offset(offset, True, *self.segments())


def original_offset(
    offset: int,
    is_end: bool,
    fold_starts: list[int],
    fold_ends: list[int],
    orig_starts: list[int],
    orig_ends: list[int],
) -> int:
    """``offset`` in a folded text mapped to the original by the text's irregular segments
    (``FoldedOffsets.segments``): where the folded character there begins, or, ``is_end``,
    just after the folded text ending there (a stripped accent right after it included)."""
    i = bisect.bisect_right(fold_starts, offset) - 1
    if is_end:  # a segment that starts here and has folded characters lies after the text
        while i >= 0 and fold_starts[i] == offset < fold_ends[i]:
            i -= 1
    if i < 0:
        return offset
    if offset >= fold_ends[i]:
        return orig_ends[i] + offset - fold_ends[i]
    return orig_ends[i] if is_end else orig_starts[i]
