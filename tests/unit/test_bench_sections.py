"""`make bench` and `make eval` parse every section's options together."""

from __future__ import annotations

import pytest

import bench.__main__ as bench_main
import eval.__main__ as eval_main
from bench.sections import chosen_sections, section_parser


@pytest.mark.parametrize("runner", [bench_main, eval_main], ids=["bench", "eval"])
def test_every_section_options_fit_one_parser(runner: object) -> None:
    # `make bench` with no section runs them all: two sections with the same option name
    # would make argparse refuse to start
    parser, modules = section_parser("prog", None, runner.SECTIONS)  # type: ignore[attr-defined]
    assert set(modules) == set(runner.SECTIONS)  # type: ignore[attr-defined]
    chosen, _ = chosen_sections(parser, runner.SECTIONS, [])  # type: ignore[attr-defined]
    assert chosen == list(runner.SECTIONS)  # type: ignore[attr-defined]


def test_an_option_value_is_not_taken_for_a_section() -> None:
    parser, _ = section_parser("python -m eval", None, eval_main.SECTIONS)
    chosen, args = chosen_sections(
        parser, eval_main.SECTIONS, ["topics", "--sources", "/tmp/elsewhere"]
    )
    assert chosen == ["topics"]
    assert str(args.sources) == "/tmp/elsewhere"


def test_an_unknown_section_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    parser, _ = section_parser("python -m bench", None, bench_main.SECTIONS)
    with pytest.raises(SystemExit) as stop:
        chosen_sections(parser, bench_main.SECTIONS, ["pipelin"])
    assert stop.value.code == 2
    assert "unknown section(s) pipelin: choose from pipeline" in capsys.readouterr().err
