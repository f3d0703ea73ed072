"""A page's text parsed into the lxml tree that page_meta, trafilatura and readability share.

The same parser options and repairs as trafilatura's ``load_html``, with one difference:
lxml.html's parser chooses each element's Python class (form, input, label, ...) with a lookup
written in Python, called every time lxml hands an element to Python code, which on a news
page is hundreds of thousands of calls across trafilatura's and readability's passes (about
5 % of the extraction's time). Ours gives every element the class ``HtmlElement`` with lxml's
lookup in C; trafilatura and readability use no method of the special classes, and the
extracted text is the same (``make eval ARGS=extraction``).
"""

from __future__ import annotations

from lxml.etree import ElementDefaultClassLookup
from lxml.html import (
    HtmlComment,
    HtmlElement,
    HtmlEntity,
    HTMLParser,
    HtmlProcessingInstruction,
    fromstring,
)
from trafilatura.utils import is_dubious_html, repair_faulty_html

_PARSER = HTMLParser(
    collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True,
    remove_pis=True,
)  # fmt: skip
_PARSER.set_element_class_lookup(
    ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
    )
)


def parse_html(text: str) -> HtmlElement | None:
    """The tree of the HTML document ``text``, or None when it is not HTML (trafilatura's
    test: no "html" in its first 50 characters and fewer than two elements under the root).
    Raises what lxml raises on a document it cannot parse at all."""
    beginning = text[:50].lower()
    dubious = is_dubious_html(beginning)
    text = repair_faulty_html(text, beginning)
    try:
        tree = fromstring(text, parser=_PARSER)
    except ValueError:  # "Unicode strings with encoding declaration are not supported"
        tree = None
    if tree is None or len(tree) < 1:
        tree = fromstring(text.encode("utf-8", "surrogatepass"), parser=_PARSER)
    if tree is not None and dubious and len(tree) < 2:
        return None
    return tree
