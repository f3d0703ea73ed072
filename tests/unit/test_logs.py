"""newswatch.logs: JSON lines off a terminal, readable lines on one, libraries' lines (rq's)
through the same handler, bound fields on every line inside the block."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from rq.logutils import setup_loghandlers

from newswatch.logs import STABLE_KEYS, bound, choose_format, get_logger, kv, setup_logging


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """setup_logging replaces the root handler (pytest's own capture handler included)."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    rq_worker = logging.getLogger("rq.worker")
    rq_state = (list(rq_worker.handlers), rq_worker.propagate, rq_worker.level)
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
    rq_worker.handlers[:] = rq_state[0]
    rq_worker.propagate, rq_worker.level = rq_state[1], rq_state[2]


def lines(stream: io.StringIO) -> list[str]:
    return stream.getvalue().splitlines()


def test_off_a_terminal_each_line_is_a_json_object_with_the_fields() -> None:
    out = io.StringIO()
    setup_logging(stream=out)
    log = get_logger("scheduler.poller")
    log.info("poll", feed_id="f1", result="ok", new_items=2, event="clash")
    (line,) = lines(out)
    record = json.loads(line)
    assert record["event"] == "poll" and record["event_"] == "clash"  # a base key is kept
    assert (record["logger"], record["level"], record["feed_id"]) == (
        "scheduler.poller", "info", "f1",
    )  # fmt: skip
    assert record["new_items"] == 2 and record["ts"].endswith("Z")


def test_on_a_terminal_lines_are_for_a_person() -> None:
    out = Terminal()
    setup_logging(stream=out)
    get_logger("worker.pipeline").warning("article failed", article_id="a1", reason="no text")
    (line,) = lines(out)
    assert line[8:] == ' WARNING worker.pipeline: article failed article_id=a1 reason="no text"'
    with pytest.raises(json.JSONDecodeError):
        json.loads(line)


def test_the_setting_overrides_the_terminal_check() -> None:
    assert choose_format("json", Terminal()) == "json"
    assert choose_format("console", io.StringIO()) == "console"
    assert choose_format(None, io.StringIO()) == "json"
    with pytest.raises(ValueError, match="NEWSWATCH_LOG_FORMAT must be one of auto, json"):
        choose_format("yaml", io.StringIO())


def test_bound_fields_reach_every_line_in_the_block_and_no_further() -> None:
    out = io.StringIO()
    setup_logging(stream=out)
    log = get_logger("worker.tasks")
    with bound(job_id="j1"), bound(article_id="a1"):
        log.info("article", result="extracted")
        log.info("article", article_id="a2")  # the event's own value wins
    log.info("idle")
    first, second, third = (json.loads(line) for line in lines(out))
    assert (first["job_id"], first["article_id"]) == ("j1", "a1")
    assert second["article_id"] == "a2"
    assert "job_id" not in third


def test_rq_lines_go_through_the_same_handler_without_colour() -> None:
    out = io.StringIO()
    setup_logging(stream=out)
    setup_loghandlers("INFO")  # what rq's worker.work() calls: it must add no handler now
    logging.getLogger("rq.worker").info("\x1b[32marticle\x1b[39;49;00m: Job OK (%s)", "j9")
    (line,) = lines(out)
    record = json.loads(line)
    assert (record["logger"], record["event"]) == ("rq.worker", "article: Job OK (j9)")
    assert logging.getLogger("rq.worker").handlers == []


def test_an_exception_line_carries_its_traceback() -> None:
    out = io.StringIO()
    setup_logging(stream=out)
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        get_logger("x").exception("poll crashed", feed_id="f")
    record = json.loads(out.getvalue())
    assert record["level"] == "error" and "RuntimeError: boom" in record["exc"]


def test_the_stable_keys_and_logfmt_quoting() -> None:
    assert STABLE_KEYS == ("feed_id", "article_id", "job_id", "topic", "reason")
    assert kv({"feed": "BBC World", "new_items": 3, "ok": "yes"}) == (
        'feed="BBC World" new_items=3 ok=yes'
    )
    assert kv({"error": 'say "hi"\nbye', "empty": ""}) == 'error="say \\"hi\\"\\nbye" empty=""'
