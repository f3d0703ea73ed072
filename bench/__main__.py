"""`make bench`: every benchmark section, or the ones named (`python -m bench pipeline`).

Each section is a module of this package with ``add_arguments(parser)`` and ``run(args)``, and
prints its results as ratios against a baseline measured in the same run (absolute times on
these machines are noisy). Add a section by adding its module to ``SECTIONS``.
"""

from __future__ import annotations

import sys

from bench.sections import run_sections

# section name -> module under bench/, in the order `make bench` runs them
SECTIONS = {
    "pipeline": "bench.pipeline",
    "topics": "bench.topics",
    "matching": "bench.matching",
    "stories": "bench.stories",
    "redis": "bench.redis_capacity",
    "catalog": "bench.catalog",
    "polling": "bench.polling",
}


def main(argv: list[str] | None = None) -> None:
    run_sections("python -m bench", __doc__, SECTIONS, sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    main()
