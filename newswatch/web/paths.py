"""Which paths the web pages answer: the API's bearer-token check leaves these to the pages'
own login (a session cookie and CSRF tokens, :mod:`newswatch.web.security`)."""

from __future__ import annotations

PAGES = frozenset(
    {"/", "/login", "/logout", "/feeds", "/feeds.opml", "/topics", "/subscriptions", "/status"}
)
# /feeds/{kind}/{name} (the Atom alert feeds) stays the API's: only these /feeds/ paths are ours
FEED_FORMS = frozenset({"/feeds/add", "/feeds/remove", "/feeds/import"})
PREFIXES = ("/static/", "/web/", "/stories/", "/topics/", "/subscriptions/")


def handles(path: str) -> bool:
    return path in PAGES or path in FEED_FORMS or path.startswith(PREFIXES)
