"""deploy/Dockerfile builds the package from paths that exist and that .dockerignore lets into
the build context, runs as an unprivileged user, and enters through the `newswatch` script."""

from __future__ import annotations

import fnmatch
import importlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.deploy._support import COMPOSE_FILE, DOCKERFILE, REPO, load_yaml

BASE_IMAGE = "python:3.11-slim"


@dataclass
class Stage:
    image: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)


def parse_dockerfile(text: str) -> list[Stage]:
    """Stages with their (INSTRUCTION, arguments), continuation lines joined."""
    logical: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    assert not pending, "Dockerfile ends inside a continued line"
    stages: list[Stage] = []
    for line in logical:
        instruction, _, args = line.partition(" ")
        instruction = instruction.upper()
        if instruction == "FROM":
            words = args.split()
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            stages.append(Stage(image=words[0], name=name))
        else:
            assert stages, f"{instruction} before FROM"
            stages[-1].instructions.append((instruction, args.strip()))
    return stages


def copy_sources(args: str) -> list[str] | None:
    """Source paths of a COPY from the build context (None for COPY --from=<stage>)."""
    words = args.split()
    if any(word.startswith("--from=") for word in words):
        return None
    paths = [word for word in words if not word.startswith("--")]
    if paths[0].startswith("["):
        paths = json.loads(args[args.index("[") :])
    return paths[:-1]


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    parts = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            parts.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            parts.append(".*")
            i += 2
        elif pattern[i] == "*":
            parts.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            parts.append("[^/]")
            i += 1
        elif pattern[i] == "[":
            end = pattern.index("]", i)
            parts.append(pattern[i : end + 1])
            i = end + 1
        else:
            parts.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(parts) + r"\Z")


def dockerignore_excludes(rules: list[str], path: str) -> bool:
    """Docker's rule: the last pattern matching the path or one of its parent directories
    decides; a leading ``!`` re-includes."""
    parents = [path]
    while "/" in parents[-1]:
        parents.append(parents[-1].rsplit("/", 1)[0])
    excluded = False
    for rule in rules:
        negate = rule.startswith("!")
        regex = _pattern_regex(rule.lstrip("!").strip("/"))
        if any(regex.match(candidate) for candidate in parents):
            excluded = not negate
    return excluded


@pytest.fixture(scope="module")
def stages() -> list[Stage]:
    return parse_dockerfile(DOCKERFILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ignore_rules() -> list[str]:
    lines = (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@pytest.fixture(scope="module")
def pyproject() -> dict[str, object]:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def _copied(stages: list[Stage]) -> list[str]:
    sources: list[str] = []
    for stage in stages:
        for instruction, args in stage.instructions:
            if instruction in {"COPY", "ADD"}:
                sources.extend(copy_sources(args) or [])
    return sources


def test_dockerignore_matcher_follows_docker_rules() -> None:
    rules = ["*", "!newswatch", "**/__pycache__"]
    assert not dockerignore_excludes(rules, "newswatch/core/text.py")
    assert dockerignore_excludes(rules, "newswatch/core/__pycache__/text.cpython-311.pyc")
    assert dockerignore_excludes(rules, "newswatch.egg-info/PKG-INFO")
    assert dockerignore_excludes(rules, ".venv/bin/python")


def test_every_stage_uses_the_slim_python_image(stages: list[Stage]) -> None:
    assert stages
    assert {stage.image for stage in stages} == {BASE_IMAGE}


def test_compose_builds_this_dockerfile_from_the_repository_root() -> None:
    services = load_yaml(COMPOSE_FILE)["services"]
    builds = [service["build"] for service in services.values() if "build" in service]
    assert builds
    for build in builds:
        assert (REPO / build["context"]).resolve() == REPO
        assert (REPO / build["dockerfile"]).resolve() == DOCKERFILE


def test_copied_paths_exist_and_are_in_the_build_context(
    stages: list[Stage], ignore_rules: list[str]
) -> None:
    sources = _copied(stages)
    assert sources
    for source in sources:
        path = REPO / source
        assert path.exists(), f"COPY {source}: no such path"
        files = [path] if path.is_file() else [p for p in path.rglob("*.py") if p.is_file()]
        assert files, f"COPY {source}: nothing to copy"
        for file in files:
            relative = file.relative_to(REPO).as_posix()
            assert not dockerignore_excludes(ignore_rules, relative), (
                f".dockerignore keeps {relative} out of the build context"
            )


def test_build_context_leaves_out_what_the_image_does_not_need(ignore_rules: list[str]) -> None:
    for path in (".git/HEAD", ".venv/bin/python", "tests/conftest.py", "deploy/Dockerfile"):
        assert dockerignore_excludes(ignore_rules, path), path
    assert dockerignore_excludes(ignore_rules, "newswatch/__pycache__/cli.cpython-311.pyc")
    # a kernel built in the working tree is for its machine: the image builds its own
    so = "newswatch/core/query/_kernel.cpython-311-x86_64-linux-gnu.so"
    assert dockerignore_excludes(ignore_rules, so)
    assert not dockerignore_excludes(ignore_rules, "newswatch/core/query/_kernel.c")


def test_everything_the_wheel_is_built_from_is_copied(
    stages: list[Stage], pyproject: dict[str, object]
) -> None:
    copied = {Path(source).as_posix().rstrip("/") for source in _copied(stages)}
    project = pyproject["project"]
    assert isinstance(project, dict)
    assert "pyproject.toml" in copied
    assert "setup.py" in copied, "setup.py declares the compiled matching kernel"
    assert project["readme"] in copied, "setuptools needs the readme to build"
    tool = pyproject["tool"]
    assert isinstance(tool, dict)
    includes = tool["setuptools"]["packages"]["find"]["include"]
    packages = {
        path.name
        for path in REPO.iterdir()
        if (path / "__init__.py").is_file()
        and any(fnmatch.fnmatch(path.name, pattern) for pattern in includes)
    }
    assert packages, "no packages found"
    assert packages <= copied, f"packages not copied: {sorted(packages - copied)}"


def test_package_is_installed_without_a_pip_cache(stages: list[Stage]) -> None:
    runs = [
        args for stage in stages for instruction, args in stage.instructions if instruction == "RUN"
    ]
    installs = [run for run in runs if re.search(r"\bpip install\b", run)]
    assert installs
    for run in installs:
        assert "--no-cache-dir" in run
    assert any(re.search(r"\bpip install --no-cache-dir \.(\s|$)", run) for run in installs)


def test_runtime_runs_as_an_unprivileged_user(stages: list[Stage]) -> None:
    users = [args for instruction, args in stages[-1].instructions if instruction == "USER"]
    assert users, "the final stage sets no USER (it would run as root)"
    assert users[-1].split(":")[0] not in {"root", "0"}


def test_entrypoint_is_the_newswatch_script(
    stages: list[Stage], pyproject: dict[str, object]
) -> None:
    entrypoints = [
        args for instruction, args in stages[-1].instructions if instruction == "ENTRYPOINT"
    ]
    assert entrypoints, "no ENTRYPOINT in the final stage"
    entrypoint = json.loads(entrypoints[-1])  # exec form: signals reach the process
    assert entrypoint == ["newswatch"]
    project = pyproject["project"]
    assert isinstance(project, dict)
    module_name, _, attribute = project["scripts"]["newswatch"].partition(":")
    assert callable(getattr(importlib.import_module(module_name), attribute))
