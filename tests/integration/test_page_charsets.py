"""Real pages of the shared corpora served from a real HTTP origin on 127.0.0.1 with true,
false and missing charset declarations, through the real scheduler (fetcher) and the real
worker pipeline: the stored text is the page's own, never mojibake."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
import redis

from newswatch.core.catalog import Topic
from newswatch.core.extract import extract_article
from newswatch.store.articles import ArticleStore
from tests.support.flow import flow_settings, poll_and_process
from tests.support.origin import Origin, Route, rss

GERMAN = "57b4dafd18cfd0531b69f81e87158648227c673ef159f8d8c87d34e34bdb21f2"  # comwrap.com
RUSSIAN = "ff0f958ade714ebfaf5c0b42b1c0152a62063f4e6f72141406ccefc4a2677f21"  # vse-diety.com
_META = re.compile(rb"<meta[^>]*charset[^>]*>", re.I)


def corpus_page(corpora: Path, key: str) -> bytes:
    path = corpora / "article-extraction-benchmark" / "html" / f"{key}.html.gz"
    return gzip.decompress(path.read_bytes())


def declared(page: bytes, charset: str) -> bytes:
    """The page with its own charset declarations replaced by ``<meta charset=...>``."""
    page = _META.sub(b"", page)
    return re.sub(rb"<head[^>]*>", lambda m: m.group(0) + f'<meta charset="{charset}">'.encode(),
                  page, count=1, flags=re.I)  # fmt: skip


def marked(page: bytes, name: str) -> bytes:
    """The page with the case's name before the first words of its article, so every case is
    an article of its own (identical texts would be folded together as duplicates)."""
    text = extract_article(page, url="https://a.example/", max_bytes=10**7).text
    lines = text.splitlines()
    # three words of a body line (the first line may be the headline), as they are in the page
    anchors = (" ".join(re.findall(r"\w+", line)[:3]).encode() for line in lines[len(lines) // 2 :])
    anchor = next(a for a in anchors if a.count(b" ") == 2 and a in page)
    return page.replace(anchor, f"Case {name}. ".encode() + anchor, 1)


def transcoded(page: bytes, codec: str) -> bytes:
    """The page's text in another encoding (characters it lacks become character references,
    which read back as the same text)."""
    return page.decode("utf-8").encode(codec, errors="xmlcharrefreplace")


@pytest.mark.corpora
def test_real_pages_with_wrong_and_missing_declarations(
    redis_client: redis.Redis, redis_url: str, corpora: Path
) -> None:
    pages = {"german": corpus_page(corpora, GERMAN), "russian": corpus_page(corpora, RUSSIAN)}
    # (language, bytes of the page, Content-Type): ways servers and CMSs get it wrong
    cases = {
        # the case: the header says UTF-8 (true), a stale <meta> says iso-8859-1
        "utf8-header-latin1-meta": (
            "german",
            lambda page: declared(page, "iso-8859-1"),
            "text/html; charset=utf-8",
        ),
        # both say iso-8859-1, the bytes are UTF-8: a wrong declaration
        "utf8-declared-latin1": (
            "german",
            lambda page: declared(page, "iso-8859-1"),
            "text/html; charset=iso-8859-1",
        ),
        # really windows-1252 bytes, the server's default header claims UTF-8
        "latin1-under-utf8-header": (
            "german",
            lambda page: transcoded(declared(page, "iso-8859-1"), "cp1252"),
            "text/html; charset=UTF-8",
        ),
        # windows-1251 bytes: no header charset, the <meta> says so
        "cp1251-meta-only": (
            "russian",
            lambda page: transcoded(declared(page, "windows-1251"), "cp1251"),
            "text/html",
        ),
        # windows-1251 bytes: the header is right, a stale <meta> says utf-8
        "cp1251-header-utf8-meta": (
            "russian",
            lambda page: transcoded(declared(page, "utf-8"), "cp1251"),
            "text/html; charset=windows-1251",
        ),
        # nothing declared at all
        "cp1251-undeclared": (
            "russian",
            lambda page: transcoded(_META.sub(b"", page), "cp1251"),
            "text/html",
        ),
    }
    origin = Origin()
    items, want = [], {}
    for name, (language, build, content_type) in cases.items():
        page = marked(pages[language], name)
        # what the page gives when served as it was captured: UTF-8, declared so
        want[name] = extract_article(page, url="https://a.example/", max_bytes=10**7).text
        assert f"Case {name}." in want[name]
        assert ("für" if language == "german" else "Аткинса") in want[name]
        origin.routes[f"/{name}"] = Route(build(page), content_type=content_type)
        items.append({"title": name, "link": f"/{name}", "guid": name})
    with origin.running():
        for item in items:
            item["link"] = origin.url(item["link"])
        origin.routes["/feed.xml"] = Route(rss("pages", items), content_type="application/rss+xml")
        settings = flow_settings(redis_url)
        jobs, counts = poll_and_process(
            redis_client, settings, origin.url("/feed.xml"), [Topic(name="x", query="x")]
        )

    assert counts["extracted"] == len(cases), counts
    store = ArticleStore(redis_client)
    for job in jobs:
        article = store.get(job.article_id)
        assert article is not None, job.title
        assert article.text == want[job.title], job.title
        assert "Ã" not in article.text and "\ufffd" not in article.text, job.title
