"""`make bench`: every benchmark section, or the ones named (`python -m bench pipeline`).

Each section is a module of this package with ``add_arguments(parser)`` and ``run(args)``, and
prints its results as ratios against a baseline measured in the same run (absolute times on
these machines are noisy). Add a section by adding its module to ``SECTIONS``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time

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
    argv = sys.argv[1:] if argv is None else argv
    names = [arg for arg in argv if not arg.startswith("-")]
    unknown = [name for name in names if name not in SECTIONS]
    if unknown:
        sys.exit(
            f"unknown bench section(s) {', '.join(unknown)}: choose from {', '.join(SECTIONS)}"
        )
    chosen = names or list(SECTIONS)
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("sections", nargs="*", help=f"sections to run ({', '.join(SECTIONS)})")
    modules = {name: importlib.import_module(SECTIONS[name]) for name in chosen}
    for name, module in modules.items():
        module.add_arguments(parser.add_argument_group(name))
    args = parser.parse_args(argv)
    for name, module in modules.items():
        print(f"== {name} ==", flush=True)
        start = time.monotonic()
        module.run(args)
        print(f"({name}: {time.monotonic() - start:.0f} s)\n", flush=True)


if __name__ == "__main__":
    main()
