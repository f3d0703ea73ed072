"""Quality evaluations (`make eval`): each prints precision/recall-style figures on real data."""
