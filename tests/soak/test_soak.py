"""The short soak CI runs (`make soak` runs the long one): 20 feeds publishing for 45 s (some
stories syndicated across feeds, a few hostile feeds), two schedulers and three workers, and
a process or Redis (AOF) SIGKILLed every few seconds; then the ledger must account for every
item once, with no duplicate alert."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.soak import Plan, run_soak


@pytest.mark.soak
def test_the_short_soak_accounts_for_every_item_and_alerts_once(tmp_path: Path) -> None:
    plan = Plan(feeds=20, publish_seconds=45, drain_seconds=150, kill_every=4, hostile_feeds=2)
    ledger = run_soak(plan, tmp_path)
    print(ledger.report())
    assert ledger.items > 0
    assert ledger.unaccounted == []
    assert ledger.duplicate_alerts == 0
    assert ledger.extracted + ledger.copies + sum(ledger.failures.values()) == ledger.items
    assert sum(ledger.kills.values()) >= 3
    assert ledger.recoveries == sum(ledger.kills.values())  # every killed one came back
