"""`make eval`: every quality evaluation section, or the ones named (`python -m eval NAME`).

Each section is a module of this package with ``add_arguments(parser)`` and ``run(args)``;
register it in ``SECTIONS``. Sections read the shared corpora through NEWSWATCH_CORPORA
(default ``../shared/corpora``) or data kept in the repository, and say plainly what is missing.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time

# section name -> module under eval/, in the order `make eval` runs them
SECTIONS: dict[str, str] = {
    "topics": "eval.topics",
    "neardup": "eval.neardup",
    "extraction": "eval.extraction",
}


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    names = [arg for arg in argv if not arg.startswith("-")]
    unknown = [name for name in names if name not in SECTIONS]
    if unknown:
        sys.exit(f"unknown eval section(s) {', '.join(unknown)}: choose from {', '.join(SECTIONS)}")
    chosen = names or list(SECTIONS)
    if not chosen:
        sys.exit("no evaluation sections are registered yet")
    parser = argparse.ArgumentParser(prog="python -m eval", description=__doc__)
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
