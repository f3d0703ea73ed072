"""The topic pack's evaluation (eval/topics.py): the hash split, the labels file's checks, the
scores, and documents read the way the product reads them."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
import zipfile
from pathlib import Path

import pytest

from eval import topics as ev
from tests.support.pages import UNRELATED_PARAGRAPHS, UNRELATED_TITLE, article_page

TOPICS = ["arms-deliveries", "arrest-warrants", "summits"]
HEADER = "doc\tgroup\tlanguage\tsplit\tarms-deliveries\tarrest-warrants\tsummits\tnote\n"


def line(doc: str, group: str, labels: str = "0\t0\t0", language: str = "en") -> str:
    return f"{doc}\t{group}\t{language}\t{ev.part_of(group)}\t{labels}\tnote\n"


def test_the_split_is_a_fixed_function_of_the_group() -> None:
    parts = [ev.part_of(f"group-{n}") for n in range(1000)]
    assert parts == [ev.part_of(f"group-{n}") for n in range(1000)]
    assert 250 < parts.count("heldout") < 350  # three tenths held back


def test_labels_are_read_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "labels.tsv"
    path.write_text("# comment\n" + HEADER + line("a:1", "g1", "1\t0\t1") + line("a:2", "g2"))
    first, second = ev.read_labels(path, TOPICS)
    assert first.topics == {"arms-deliveries", "summits"} and first.part == ev.part_of("g1")
    assert second.topics == frozenset()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (line("a:1", "g1") + line("a:1", "g2"), "a:1 is labelled twice"),
        (line("a:1", "g1", "2\t0\t0"), "labels are 0 or 1"),
        (line("a:1", "g1").replace("\ten\t", "\t\t"), "empty language"),
    ],
)
def test_bad_labels_are_refused(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "labels.tsv"
    path.write_text(HEADER + body)
    with pytest.raises(ValueError, match=message):
        ev.read_labels(path, TOPICS)


def test_a_document_moved_out_of_its_hashed_part_is_refused(tmp_path: Path) -> None:
    other = "tune" if ev.part_of("g1") == "heldout" else "heldout"
    path = tmp_path / "labels.tsv"
    path.write_text(HEADER + f"a:1\tg1\ten\t{other}\t0\t0\t0\t\n")
    with pytest.raises(ValueError, match="the hash says otherwise"):
        ev.read_labels(path, TOPICS)


def test_scores_count_per_topic_part_and_language() -> None:
    def label(doc: str, language: str, topics: set[str]) -> ev.Label:
        return ev.Label(doc, doc, language, "tune", frozenset(topics), "")

    labels = [
        label("1", "en", {"summits"}),  # found: tp
        label("2", "en", {"summits"}),  # missed: fn
        label("3", "fr", set()),  # found: fp
        label("4", "fr", set()),  # quiet: tn
    ]
    found = {"1": {"summits"}, "2": set(), "3": {"summits"}, "4": set()}
    scores = ev.score(labels, lambda lab: frozenset(found[lab.doc]), ["summits"])
    total = scores["summits", "tune", "*"]
    assert (total.tp, total.fp, total.fn, total.docs) == (1, 1, 1, 4)
    assert total.precision == total.recall == total.f1 == 0.5
    french = scores["summits", "tune", "fr"]
    assert (french.tp, french.fp, french.precision, french.recall) == (0, 1, 0.0, None)
    assert french.f1 is None
    lines = ev.report(scores, ["summits"])
    counts = ["summits", "tune", "all", "4", "2", "1", "1", "1"]
    assert lines[1].split() == [*counts, "0.50", "0.50", "0.50", "0.09-0.91", "0.09-0.91"]


def test_the_interval_says_how_little_a_few_documents_prove() -> None:
    assert ev.wilson(0, 0) is None
    low, high = ev.wilson(3, 3) or (0.0, 0.0)
    assert round(low, 2) == 0.44 and high == 1.0
    low, high = ev.wilson(300, 600) or (0.0, 0.0)
    assert 0.45 < low < 0.5 < high < 0.55


def test_a_page_goes_through_the_pipelines_extraction() -> None:
    page = article_page(UNRELATED_TITLE, UNRELATED_PARAGRAPHS)
    text = ev.product_text(page, "https://example.org/a")
    assert text.title == UNRELATED_TITLE and not text.dropped
    assert UNRELATED_PARAGRAPHS[0][:40] in text.text
    assert "Most popular" not in text.text  # boilerplate stays out, as in the worker
    assert ev.product_text(b"<html></html>", "https://example.org/b").dropped


def test_sources_read_each_corpus_and_say_what_is_missing(tmp_path: Path) -> None:
    corpora = tmp_path / "corpora"
    (corpora / "ecbplus").mkdir(parents=True)
    doc = {"doc_name": "1_1ecb.xml", "text": "Headline here\nBody text.", "url": ""}
    (corpora / "ecbplus" / "documents.jsonl").write_text(json.dumps(doc) + "\n")
    aeb = corpora / "article-extraction-benchmark"
    (aeb / "html").mkdir(parents=True)
    (aeb / "ground-truth.json").write_text(json.dumps({"k": {"url": "https://example.org/k"}}))
    page = article_page(UNRELATED_TITLE, UNRELATED_PARAGRAPHS)
    (aeb / "html" / "k.html.gz").write_bytes(gzip.compress(page))
    (corpora / "seed-article.txt").write_text("Skip to content\n\nThe headline\n\nREAD ALSO: x\n")
    cache = tmp_path / "cache"
    cache.mkdir()
    _tarball(cache / "pkg-1.0.tar.gz", {"pkg-1.0/tests/a.txt": "Texto de prueba, año.".encode()})
    sources = ev.Sources(corpora, cache, fetch=False)

    ecb = sources.text("ecbplus:1_1ecb.xml")
    assert ecb is not None and (ecb.title, ecb.text) == ("Headline here", "Body text.")
    page_text = sources.text("aeb:k")
    assert page_text is not None and page_text.title == UNRELATED_TITLE
    seed = sources.text("seed:seed-article.txt")
    assert seed is not None and (seed.title, seed.text) == ("The headline", "READ ALSO: x")
    registry = sources.text("registry:pkg==1.0:pkg-1.0/tests/a.txt")
    assert registry is not None and registry.text == "Texto de prueba, año."
    assert sources.text("registry:other==2.0:x.txt") is None
    assert sources.text("registry:other==2.0:y.txt") is None
    assert "without --no-fetch" in sources.missing["registry:other==2.0"]
    assert "other-2.0.tar.gz" in sources.missing["registry:other==2.0"]
    assert sources.left_out == {"registry:other==2.0": 2}  # each missing package, counted
    assert sources.text("registry:third==1.0:z.txt") is None
    assert "third-1.0.tar.gz" in sources.missing["registry:third==1.0"]
    with pytest.raises(ValueError, match="unknown corpus"):
        sources.text("nowhere:1")


def test_a_page_inside_an_npm_package_is_read_through_the_extraction(tmp_path: Path) -> None:
    page = article_page(UNRELATED_TITLE, UNRELATED_PARAGRAPHS)
    _tarball(tmp_path / "scope-pkg-2.1.0.tgz", {"package/fixtures/a.html": page})
    sources = ev.Sources(tmp_path, tmp_path, fetch=False)
    text = sources.text("npm:@scope/pkg@2.1.0:package/fixtures/a.html")
    assert text is not None and text.title == UNRELATED_TITLE and not text.dropped
    assert sources.text("npm:@scope/pkg@2.1.0:package/fixtures/gone.html") is None
    assert "gone.html" in sources.missing["npm:@scope/pkg@2.1.0"]
    offline = ev.Sources(tmp_path, tmp_path, fetch=False)
    assert offline.text("npm:other@1.0.0:package/a.html") is None
    assert "other-1.0.0.tgz (run without --no-fetch" in offline.missing["npm:other@1.0.0"]


def test_a_feed_item_inside_an_npm_package_is_read_as_an_unfetched_item(tmp_path: Path) -> None:
    feed = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        "<title>Notícias</title><link>http://example.org/</link><language>pt</language>"
        "<item><title>Primeira</title><link>http://example.org/1</link>"
        "<description>Texto da primeira.</description></item>"
        "<item><title>Segunda notícia</title><link>http://example.org/2</link>"
        "<description>Texto da segunda notícia.</description></item>"
        "</channel></rss>"
    ).encode()
    _tarball(tmp_path / "feed-pkg-3.7.0.tgz", {"package/test/input/news.rss": feed})
    sources = ev.Sources(tmp_path, tmp_path, fetch=False)

    item = sources.text("npm:feed-pkg@3.7.0:package/test/input/news.rss#1")
    assert item is not None and not item.dropped
    assert (item.title, item.language) == ("Segunda notícia", "pt")
    assert "Texto da segunda notícia." in item.text
    assert sources.text("npm:feed-pkg@3.7.0:package/test/input/news.rss#2") is None  # no third
    assert "IndexError" in sources.missing["npm:feed-pkg@3.7.0"]


def test_a_feed_item_inside_a_package_is_read_as_the_product_reads_an_unfetched_item(
    tmp_path: Path,
) -> None:
    feed = (
        '<?xml version="1.0" encoding="windows-1251"?>\n<rss version="2.0"><channel>'
        "<title>Новости</title><link>http://example.org/</link><language>ru</language>"
        "<item><title>Первая</title><link>http://example.org/1</link>"
        "<description>Первый текст.</description></item>"
        "<item><title>Вторая новость</title><link>http://example.org/2</link>"
        "<description>Текст второй новости.</description></item>"
        "</channel></rss>"
    ).encode("cp1251")
    spanish = "La Guardia Civil detuvo a un profesor, según informó la Comandancia de Madrid."
    latin = spanish.encode("latin-1")  # not UTF-8: read as the product reads a page
    _tarball(
        tmp_path / "pkg-1.0.tar.gz", {"pkg-1.0/tests/feed.xml": feed, "pkg-1.0/tests/es.txt": latin}
    )
    sources = ev.Sources(tmp_path, tmp_path, fetch=False)

    item = sources.text("registry:pkg==1.0:pkg-1.0/tests/feed.xml#1")
    assert item is not None and not item.dropped
    assert (item.title, item.language) == ("Вторая новость", "ru")
    assert "Текст второй новости." in item.text
    assert sources.text("registry:pkg==1.0:pkg-1.0/tests/feed.xml#2") is None  # no third item
    text = sources.text("registry:pkg==1.0:pkg-1.0/tests/es.txt")
    assert text is not None and text.text == spanish


def test_a_string_of_a_python_module_in_a_wheel_is_read_without_running_it(
    tmp_path: Path,
) -> None:
    module = 'import os\nos.remove("x")\ntexts = ["Primera noticia.", "Segunda noticia."]\n'
    with zipfile.ZipFile(tmp_path / "pkg-1.0-py3-none-any.whl", "w") as wheel:
        wheel.writestr("pkg/test_x.py", module)
    sources = ev.Sources(tmp_path, tmp_path, fetch=False)

    text = sources.text("wheel:pkg==1.0:pkg/test_x.py#texts[1]")
    assert text is not None and (text.title, text.text) == ("", "Segunda noticia.")
    assert sources.text("wheel:pkg==1.0:pkg/test_x.py#other[0]") is None
    assert "other[0]" in sources.missing["wheel:pkg==1.0"]


def test_a_whole_file_in_a_wheel_is_one_document_decoded_as_a_page(tmp_path: Path) -> None:
    turkish = "Öcalan hakkında tutuklama kararı çıkarıldı; güneşli bir gün."
    with zipfile.ZipFile(tmp_path / "pkg-1.0-py3-none-any.whl", "w") as wheel:
        wheel.writestr("pkg/raw/a.txt", turkish.encode("utf-8"))  # one line, no final newline
    sources = ev.Sources(tmp_path, tmp_path, fetch=False)

    text = sources.text("wheel:pkg==1.0:pkg/raw/a.txt")
    assert text is not None and (text.title, text.text) == ("", turkish)


def test_a_record_of_a_table_in_a_wheel_is_one_document(tmp_path: Path) -> None:
    table = (
        ",title,content,url\n"
        '7,"Leaders meet","First line._x000D_\nSecond, with a ""quote"".",https://a.example/1\n'
        "7,Second story,Its text.,https://a.example/2\n"
    )
    with zipfile.ZipFile(tmp_path / "pkg-1.0-py3-none-any.whl", "w") as wheel:
        wheel.writestr("pkg/news.csv", table.encode("utf-8"))
    sources = ev.Sources(tmp_path, tmp_path, fetch=False)

    text = sources.text("wheel:pkg==1.0:pkg/news.csv#0")
    assert text is not None
    assert (text.title, text.text) == ("Leaders meet", 'First line.\nSecond, with a "quote".')
    second = sources.text("wheel:pkg==1.0:pkg/news.csv#1")
    assert second is not None and second.title == "Second story"
    assert sources.text("wheel:pkg==1.0:pkg/news.csv#2") is None  # no third record
    assert "IndexError" in sources.missing["wheel:pkg==1.0"]


def test_the_labels_in_the_repository_are_valid() -> None:
    labels = ev.read_labels(ev.LABELS, TOPICS)
    assert len(labels) > 1000
    assert {label.part for label in labels} == {"tune", "heldout"}
    for topic in TOPICS:
        assert any(topic in label.topics for label in labels), f"no positive for {topic}"


def _tarball(path: Path, files: dict[str, bytes]) -> None:
    """A package as the registry gives it: a gzipped tar of ``files`` (member name -> bytes)."""
    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            member = tarfile.TarInfo(name)
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
