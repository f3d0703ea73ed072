"""One logging set-up for every newswatch process: one line per event, on stderr."""

from __future__ import annotations

import logging
import sys

# libraries that log per request or per page at INFO/WARNING: one line per fetched URL is
# noise (and URLs of strangers' pages) in an operator's log
_CHATTY = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "trafilatura": logging.ERROR,
    "htmldate": logging.ERROR,
    "courlan": logging.ERROR,
}


def setup_logging(level: int = logging.INFO) -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=level,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
            stream=sys.stderr,
        )
    for name, quiet_level in _CHATTY.items():
        logging.getLogger(name).setLevel(quiet_level)
