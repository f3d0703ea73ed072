"""The command line shared by `make bench` and `make eval`: run every section, or the ones named.

A section is a module with ``add_arguments(parser)`` and ``run(args)``. Every section's options
are known to the parser whichever sections are named, so an option's value (``--sources
/path``) is never taken for a section's name.
"""

from __future__ import annotations

import argparse
import importlib
import time
from typing import Any


def section_parser(
    prog: str, description: str | None, sections: dict[str, str]
) -> tuple[argparse.ArgumentParser, dict[str, Any]]:
    """The parser knowing every section's options, and the section modules by name."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument(
        "sections", nargs="*", metavar="SECTION", help=f"sections to run ({', '.join(sections)})"
    )
    modules = {name: importlib.import_module(module) for name, module in sections.items()}
    for name, module in modules.items():
        module.add_arguments(parser.add_argument_group(name))
    return parser, modules


def chosen_sections(
    parser: argparse.ArgumentParser, sections: dict[str, str], argv: list[str]
) -> tuple[list[str], argparse.Namespace]:
    """The sections ``argv`` names (all when it names none), in the order of ``sections``, and
    the parsed options; an unknown name is a usage error."""
    args = parser.parse_args(argv)
    unknown = [name for name in args.sections if name not in sections]
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}: choose from {', '.join(sections)}")
    return [name for name in sections if not args.sections or name in args.sections], args


def run_sections(
    prog: str, description: str | None, sections: dict[str, str], argv: list[str]
) -> None:
    """Run the sections ``argv`` names (all when it names none) with its options."""
    parser, modules = section_parser(prog, description, sections)
    chosen, args = chosen_sections(parser, sections, argv)
    for name in chosen:
        print(f"== {name} ==", flush=True)
        start = time.monotonic()
        modules[name].run(args)
        print(f"({name}: {time.monotonic() - start:.0f} s)\n", flush=True)
