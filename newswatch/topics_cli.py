"""`newswatch topics test|backtest`: try a query before saving it as a topic (commands of the
``topics`` group of :mod:`newswatch.catalog_cli`).

``test`` says whether a query matches one text, saved page, web page or stored article, with
the words found and their places, and for a miss which clause failed. ``backtest`` runs it over
the articles stored in the last days. Both print the query's lint warnings. Exit codes: 0 a
match (backtest: ran), 1 no match (or Redis failed), 2 an invalid query or input.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import redis
import typer

from newswatch.catalog_cli import topics_app
from newswatch.config import Settings, load_settings
from newswatch.config_file import load_config
from newswatch.core.alerting import article_document
from newswatch.core.backtest import MAX_SAMPLE
from newswatch.core.errors import ConfigError, NewswatchError
from newswatch.core.problems import InvalidInput, Problem
from newswatch.core.query import Explanation, MatchDocument
from newswatch.net.fetcher import Fetcher, FetchPolicy
from newswatch.runtime import DataDir, find_instance, report_config_error
from newswatch.store.connection import connect
from newswatch.topic_trial import (
    MAX_DAYS,
    TrialQuery,
    backtest,
    document_of_file,
    document_of_page,
    document_of_text,
    explanation_view,
    stored_article,
    trial_query,
    try_query,
)

EXIT_MATCH, EXIT_MISS, EXIT_INVALID = 0, 1, 2


QueryArg = Annotated[str, typer.Argument(help="The query, in the topic query language.")]
Languages = Annotated[
    list[str] | None,
    typer.Option("--language", "-l", help="The topic's languages (repeat; default: all)."),
]
AsJson = Annotated[bool, typer.Option("--json", help="One JSON object.")]
Config = Annotated[
    Path | None, typer.Option("--config", "-c", help="YAML file whose settings: block applies.")
]


def _fail(program: str, message: str, code: int = EXIT_INVALID) -> typer.Exit:
    print(f"{program}: {message}", file=sys.stderr)
    return typer.Exit(code)


def query_pointer(query: str, position: int) -> str:
    """The query with a caret under ``position`` (0-based), for a terminal."""
    return f"    {query}\n    {' ' * position}^"


def print_problems(program: str, query: str, problems: tuple[Problem, ...] | list[Problem]) -> None:
    for problem in problems:
        prefix = "warning: " if problem.severity == "warning" else ""
        print(f"{program}: {prefix}{problem.text()}", file=sys.stderr)
        if problem.position is not None and "\n" not in query:
            print(query_pointer(query, problem.position), file=sys.stderr)


def _trial(program: str, query: str, languages: list[str] | None) -> TrialQuery:
    raw: dict[str, Any] = {"query": query}
    if languages:
        raw["languages"] = languages
    try:
        return trial_query(raw)
    except InvalidInput as exc:
        print_problems(program, query, exc.problems)
        raise typer.Exit(EXIT_INVALID) from None


def _settings(program: str, config: Path | None) -> Settings:
    try:
        return load_settings(load_config(config).settings if config is not None else None)
    except ConfigError as exc:
        raise typer.Exit(report_config_error(program, exc)) from None


def _client(program: str, config: Path | None, data_dir: Path | None) -> redis.Redis:
    """The Redis of the instance: NEWSWATCH_REDIS_URL, else the `newswatch up` of
    ``data_dir`` (or of ./.newswatch)."""
    return connect(find_instance(program, config=config, data_dir=data_dir).redis_url)


async def _fetch(url: str, settings: Settings) -> bytes:
    async with Fetcher(FetchPolicy.from_settings(settings)) as fetcher:
        result = await fetcher.fetch(url, max_bytes=settings.max_page_bytes)
    return result.body


def _document(
    program: str,
    *,
    text: str | None,
    file: Path | None,
    url: str | None,
    article: str | None,
    title: str,
    config: Path | None,
    data_dir: Path | None,
) -> MatchDocument:
    given = [name for name, v in (("--text", text), ("--file", file), ("--url", url),
                                  ("--article", article)) if v is not None]  # fmt: skip
    if len(given) != 1:
        raise _fail(program, "give exactly one of --text, --file, --url, --article")
    try:
        if article is not None:
            client = _client(program, config, data_dir)
            try:
                return article_document(stored_article(client, article))
            except redis.RedisError as exc:
                raise _fail(program, f"Redis failed: {exc}", EXIT_MISS) from None
            finally:
                client.close()
        settings = _settings(program, config)
        if text is not None:
            return document_of_text(text, title=title)
        if file is not None:
            return document_of_file(file, settings=settings, title=title)
        assert url is not None
        return document_of_page(asyncio.run(_fetch(url, settings)), url=url, settings=settings)
    except NewswatchError as exc:
        raise _fail(program, str(exc)) from None


def print_explanation(result: Explanation) -> None:
    print(f"{'MATCH' if result.matched else 'NO MATCH'}: {result.query}")
    if result.matched:
        words = sorted({h.text for h in result.highlights}, key=str.casefold)
        print(f"  matched words: {', '.join(words)}")
    for reason in result.failed:
        print(f"  missed: {reason}")
    for h in result.found:
        print(f'  found "{h.text}" ({h.term}) in {h.field} at {h.start}-{h.end}')
    if not result.found:
        print("  found none of the query's words")


@topics_app.command("test")
def topics_test(
    query: QueryArg,
    text: Annotated[str | None, typer.Option(help="Test on this text.")] = None,
    file: Annotated[
        Path | None, typer.Option(help="Test on a file: a saved page (.html) or plain text.")
    ] = None,
    url: Annotated[
        str | None, typer.Option(help="Test on a web page (fetched, extracted).")
    ] = None,
    article: Annotated[str | None, typer.Option(help="Test on a stored article (its id).")] = None,
    title: Annotated[str, typer.Option(help="The title of --text or a plain-text --file.")] = "",
    language: Languages = None,
    as_json: AsJson = False,
    config: Config = None,
    data_dir: DataDir = None,
) -> None:
    """Whether QUERY matches a text, a page or a stored article: the words found and where,
    and for a miss which clause failed (exit 0 match, 1 no match, 2 invalid)."""
    program = "newswatch topics test"
    trial = _trial(program, query, language)
    document = _document(
        program, text=text, file=file, url=url, article=article, title=title,
        config=config, data_dir=data_dir,
    )  # fmt: skip
    result = try_query(trial, document)
    if as_json:
        print(json.dumps(explanation_view(trial, result), ensure_ascii=False))
    else:
        print_explanation(result)
        print_problems(program, query, trial.warnings)
    raise typer.Exit(EXIT_MATCH if result.matched else EXIT_MISS)


@topics_app.command("backtest")
def topics_backtest(
    query: QueryArg,
    days: Annotated[int, typer.Option(help=f"How many days back (1 to {MAX_DAYS}).")] = 7,
    sample: Annotated[
        int, typer.Option(help=f"How many matching titles to show (0 to {MAX_SAMPLE}).")
    ] = 10,
    language: Languages = None,
    as_json: AsJson = False,
    config: Config = None,
    data_dir: DataDir = None,
) -> None:
    """Run QUERY over the articles stored in the last --days days: matches per day and the
    newest matching titles."""
    program = "newswatch topics backtest"
    if not 1 <= days <= MAX_DAYS:
        raise _fail(program, f"--days must be from 1 to {MAX_DAYS}, got {days}")
    if not 0 <= sample <= MAX_SAMPLE:
        raise _fail(program, f"--sample must be from 0 to {MAX_SAMPLE}, got {sample}")
    trial = _trial(program, query, language)
    client = _client(program, config, data_dir)
    try:
        report = backtest(client, trial, days=days, sample=sample)
    except redis.RedisError as exc:
        raise _fail(program, f"Redis failed: {exc}", EXIT_MISS) from None
    finally:
        client.close()
    if as_json:
        print(json.dumps(report, ensure_ascii=False))
        return
    print_backtest(report)
    print_problems(program, query, trial.warnings)


def print_backtest(report: dict[str, Any]) -> None:
    share = f" ({report['matches'] / report['articles']:.1%})" if report["articles"] else ""
    print(
        f"{report['matches']} of {report['articles']} articles matched{share} in the last "
        f"{report['days']} days ({report['seconds']:.2f}s): {report['query']}"
    )
    for day in report["per_day"]:
        bar = "#" * min(day["matches"], 50)
        print(f"  {day['day']}  {day['matches']:>5} / {day['articles']:<6} {bar}")
    if report["sample"]:
        print("newest matches:")
    for item in report["sample"]:
        words = ", ".join(item["matched"])
        print(f"  {item['title'] or '(untitled)'} — {item['source']}  [{words}]  {item['url']}")
