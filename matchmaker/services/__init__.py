"""Use cases: one verb per function, async, every write in a transaction (DESIGN §2)."""
