"""Fixtures shared by the scheduler's integration tests: a controllable clock and settings
on the suite's own Redis (a module may define its own of either name; pytest takes the
module's)."""

from __future__ import annotations

import pytest

from newswatch.config import Settings
from tests.support.scheduling import Clock, make_settings


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def settings(redis_url: str) -> Settings:
    return make_settings(redis_url)
