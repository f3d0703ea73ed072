"""One rendering of an alert (or a digest of alerts) for every channel: a subject line and a
plain-text body, and an HTML twin for the feeds.

Every piece of text comes from the open web (titles, snippets, publisher names), so it is
made safe here, once: control characters (CR/LF included) never reach a subject or a header,
mass mentions (``@everyone``, ``<!channel>``) are broken so chat services show them as text,
HTML is escaped in the HTML twin, and every part has a length cap.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Sequence
from typing import Any

from newswatch.core.delivery import digest_sections

TITLE_CHARS = 200
SNIPPET_CHARS = 600
SOURCES_SHOWN = 3
DIGEST_STORIES = 50  # listed in one digest; the rest are counted
ELLIPSIS = "…"
_ZWSP = "\u200b"
# C0/C1 controls, DEL, line/paragraph separators, bidi overrides and isolates
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_BODY_CONTROLS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_MENTIONS = re.compile(r"@(everyone|here|channel|all|room)\b", re.IGNORECASE)
_ANGLE_MENTIONS = re.compile(r"<([!@#])")


@dataclasses.dataclass(frozen=True)
class Message:
    title: str  # one line: a subject, a notification title
    text: str  # plain text, lines separated by "\n"
    html: str  # the same, as an HTML fragment


def one_line(value: object, limit: int = TITLE_CHARS) -> str:
    """Text safe for a subject or a header: no control character (CR/LF become spaces),
    whitespace collapsed, mentions neutralised, at most ``limit`` characters."""
    text = _CONTROLS.sub(" ", str(value or ""))
    return _cap(" ".join(_neutralise(text).split()), limit)


def body_text(value: object, limit: int) -> str:
    """Text safe for a message body: line breaks kept, other controls removed."""
    text = _BODY_CONTROLS.sub(" ", str(value or "").replace("\r\n", "\n").replace("\r", "\n"))
    return _cap(_neutralise(text).strip(), limit)


def _neutralise(text: str) -> str:
    """``@everyone`` -> ``@\u200beveryone``, ``<!channel>`` -> ``<\u200b!channel>``: chat
    services no longer see a mention, people still read the word."""
    text = _MENTIONS.sub(lambda m: "@" + _ZWSP + m.group(1), text)
    return _ANGLE_MENTIONS.sub(lambda m: "<" + _ZWSP + m.group(1), text)


def _cap(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(0, limit - 1)].rstrip() + ELLIPSIS


def mark_words(snippet: str, words: Sequence[str]) -> list[tuple[str, bool]]:
    """The snippet cut into (text, is a matched word) runs, for marking in any format."""
    terms = sorted({w.strip("*").strip() for w in words if w and w.strip("*").strip()}, key=len)
    if not terms:
        return [(snippet, False)]
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(t) for t in reversed(terms)) + r")\w*", re.IGNORECASE
    )
    runs: list[tuple[str, bool]] = []
    last = 0
    for found in pattern.finditer(snippet):
        if found.start() > last:
            runs.append((snippet[last : found.start()], False))
        runs.append((found.group(0), True))
        last = found.end()
    if last < len(snippet):
        runs.append((snippet[last:], False))
    return runs


def snippet_runs(alert: dict[str, Any]) -> list[tuple[str, bool]]:
    """The alert's snippet as (text, is a found word) runs, made safe: from the snippet's own
    marks (``snippet_marks``, offsets into the snippet) when it has them, else by finding
    the ``matched`` words in it."""
    raw = str(alert.get("snippet") or "")[:SNIPPET_CHARS]
    marks = sorted(
        (int(m[0]), int(m[1]))
        for m in alert.get("snippet_marks") or []
        if isinstance(m, list | tuple) and len(m) == 2 and 0 <= int(m[0]) < int(m[1]) <= len(raw)
    )
    if marks:
        runs: list[tuple[str, bool]] = []
        last = 0
        for start, end in marks:
            if start >= last:
                runs += [(raw[last:start], False), (raw[start:end], True)]
                last = end
        runs.append((raw[last:], False))
    else:
        runs = mark_words(raw, alert.get("matched") or [])
    safe = [
        (_neutralise(_BODY_CONTROLS.sub(" ", text.replace("\r", " "))), hit) for text, hit in runs
    ]
    return [(text, hit) for text, hit in safe if text]


def _article(alert: dict[str, Any]) -> dict[str, Any]:
    article = alert.get("article")
    return article if isinstance(article, dict) else {}


def publishers(alert: dict[str, Any]) -> str:
    """ "lemonde.fr" or "lemonde.fr +4 sources"."""
    sources = [str(s) for s in alert.get("sources") or [] if s]
    first = sources[0] if sources else str(_article(alert).get("source") or "")
    count = max(int(alert.get("sources_count") or 0), len(sources), 1)
    shown = one_line(first, 100) or "unknown source"
    return f"{shown} +{count - 1} sources" if count > 1 else shown


def when(alert: dict[str, Any]) -> str:
    """The article's time as people read it ("2026-11-28 16:20 UTC")."""
    raw = str(_article(alert).get("published_at") or alert.get("created_at") or "")
    found = re.match(r"(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d)", raw)
    return f"{found.group(1)} {found.group(2)} UTC" if found else one_line(raw, 40)


def link(alert: dict[str, Any]) -> str:
    url = str(_article(alert).get("url") or "")
    return url if re.match(r"https?://", url) and not _CONTROLS.search(url) else ""


def alert_title(alert: dict[str, Any]) -> str:
    return one_line(_article(alert).get("title") or "(untitled)")


def render_alert(alert: dict[str, Any], *, note: str = "") -> Message:
    """One alert: ``[topic] title`` as the subject; publisher(s), time, marked snippet and
    link in the body. ``note`` heads the body ("now 5 sources")."""
    topic = one_line(alert.get("topic"), 64)
    title = alert_title(alert)
    runs = snippet_runs(alert)
    meta = f"{publishers(alert)} · {when(alert)}"
    url = link(alert)
    note = one_line(note, 200)
    text_lines = [note] if note else []
    text_lines += [title, meta, "".join(f"*{t}*" if hit else t for t, hit in runs)]
    text_lines += [url] if url else []
    snippet_html = "".join(f"<b>{html.escape(t)}</b>" if hit else html.escape(t) for t, hit in runs)
    html_parts = [f"<p><em>{html.escape(note)}</em></p>"] if note else []
    heading = html.escape(title)
    if url:
        heading = f'<a href="{html.escape(url, quote=True)}">{heading}</a>'
    html_parts += [
        f"<p><strong>{heading}</strong><br>{html.escape(meta)}</p>",
        f"<p>{snippet_html}</p>",
    ]
    return Message(f"[{topic}] {title}", "\n".join(text_lines), "\n".join(html_parts))


def render_digest(subscription: str, alerts: Sequence[dict[str, Any]], *, why: str = "") -> Message:
    """Several alerts in one message, grouped by topic, newest first, each with its sources
    count; at most :data:`DIGEST_STORIES` listed."""
    count = len(alerts)
    stories = "story" if count == 1 else "stories"
    title = one_line(f"newswatch digest for {subscription}: {count} {stories}")
    text_lines: list[str] = [one_line(why, 200)] if why else []
    html_parts: list[str] = [f"<p><em>{html.escape(one_line(why, 200))}</em></p>"] if why else []
    listed = 0
    for topic, items in digest_sections(alerts):
        shown = items[: max(0, DIGEST_STORIES - listed)]
        if not shown:
            break
        listed += len(shown)
        name = one_line(topic, 64)
        text_lines.append(f"\n== {name} ({len(items)}) ==")
        html_parts.append(f"<h3>{html.escape(name)} ({len(items)})</h3><ul>")
        for alert in shown:
            url = link(alert)
            text_lines.append(f"- {alert_title(alert)} ({publishers(alert)}, {when(alert)})")
            if url:
                text_lines.append(f"  {url}")
            heading = html.escape(alert_title(alert))
            if url:
                heading = f'<a href="{html.escape(url, quote=True)}">{heading}</a>'
            html_parts.append(
                f"<li>{heading} ({html.escape(publishers(alert))}, {html.escape(when(alert))})</li>"
            )
        html_parts.append("</ul>")
    if count > listed:
        text_lines.append(f"\n… and {count - listed} more")
        html_parts.append(f"<p>… and {count - listed} more</p>")
    return Message(title, "\n".join(text_lines).strip(), "\n".join(html_parts))
