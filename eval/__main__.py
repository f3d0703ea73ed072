"""`make eval`: every quality evaluation section, or the ones named (`python -m eval NAME`).

Each section is a module of this package with ``add_arguments(parser)`` and ``run(args)``;
register it in ``SECTIONS``. Sections read the shared corpora through NEWSWATCH_CORPORA
(default ``../shared/corpora``) or data kept in the repository, and say plainly what is missing.
"""

from __future__ import annotations

import sys

from bench.sections import run_sections

# section name -> module under eval/, in the order `make eval` runs them
SECTIONS: dict[str, str] = {
    "topics": "eval.topics",
    "neardup": "eval.neardup",
    "extraction": "eval.extraction",
}


def main(argv: list[str] | None = None) -> None:
    run_sections("python -m eval", __doc__, SECTIONS, sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    main()
