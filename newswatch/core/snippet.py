"""A short excerpt of an article around the first matched term, for alerts.

The search folds case and accents like the matcher does (so "elysee" finds "Élysée"), but the
excerpt is cut from the original text, on word boundaries, with "…" where it was cut.
"""

from __future__ import annotations

from newswatch.core.text import WORD, fold, normalize_whitespace, tokenize

ELLIPSIS = "…"
# how far into the text to look for a term: folding maps characters one at a time (seconds
# for a multi-megabyte page, once per matching topic); Lucene's highlighter stops early too
SEARCH_CHARS = 100_000


def make_snippet(text: str, matched: list[str], width: int = 240) -> str:
    """About ``width`` characters of ``text`` around the earliest occurrence of a matched term.

    ``matched`` holds terms as written in a query ("arrest warrant", "warrant*"). When none
    occurs in the first :data:`SEARCH_CHARS` characters, the snippet is the start of the
    text. Whitespace is collapsed.
    """
    text = normalize_whitespace(text)
    width = max(width, 1)
    if len(text) <= width:
        return text
    # with no occurrence, an empty "hit" at 0 makes the window the start of the text
    hit_start, hit_end = _first_occurrence(text, matched) or (0, 0)
    start = max(0, hit_start - max(0, width - (hit_end - hit_start)) // 2)
    end = min(len(text), max(start + width, hit_end))
    start = max(0, min(start, end - width))
    start, end = _on_word_boundaries(text, start, end, hit_start, hit_end)
    excerpt = text[start:end].strip()
    return (ELLIPSIS if start > 0 else "") + excerpt + (ELLIPSIS if end < len(text) else "")


def _on_word_boundaries(
    text: str, start: int, end: int, keep_from: int, keep_to: int
) -> tuple[int, int]:
    """Move cuts that fall inside a word to the nearest space, never into the kept hit."""
    if start > 0 and not text[start - 1].isspace():
        space = text.find(" ", start, max(start, keep_from))
        if space != -1:
            start = space + 1
    if end < len(text) and not text[end].isspace():
        space = text.rfind(" ", max(keep_to, start), end)
        if space != -1:
            end = space
    return start, end


def _first_occurrence(text: str, matched: list[str]) -> tuple[int, int] | None:
    """(start, end) in ``text`` of the earliest occurrence of any term, accent/case-folded."""
    folded: list[str] = []
    origin: list[int] = []  # for each folded character, the index of its original character
    for index, char in enumerate(text[:SEARCH_CHARS]):
        for folded_char in fold(char):
            folded.append(folded_char)
            origin.append(index)
    words = [(m.group(), m.start(), m.end()) for m in WORD.finditer("".join(folded))]
    best: tuple[int, int] | None = None
    for term in matched:
        patterns = _patterns(term)
        if not patterns:
            continue
        for i in range(len(words) - len(patterns) + 1):
            if all(_fits(words[i + k][0], *patterns[k]) for k in range(len(patterns))):
                span = (origin[words[i][1]], origin[words[i + len(patterns) - 1][2] - 1] + 1)
                if best is None or span[0] < best[0]:
                    best = span
                break
    return best


def _patterns(term: str) -> list[tuple[str, bool]]:
    """The folded words of a term, each with whether it ends in a ``*`` wildcard."""
    patterns: list[tuple[str, bool]] = []
    for piece in term.split():
        words = tokenize(piece)
        patterns.extend((w, False) for w in words[:-1])
        if words:
            patterns.append((words[-1], piece.rstrip('"”').endswith("*")))
    return patterns


def _fits(token: str, word: str, prefix: bool) -> bool:
    return token.startswith(word) if prefix else token == word
