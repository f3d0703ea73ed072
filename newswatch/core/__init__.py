"""Pure core logic: no Redis, no network, no clock, no environment."""
