"""PURE: the statistics of DESIGN §9 over plain rows (no ORM, no I/O). See indicators.py for the
definitions (口径), summary.py for what pages and reports show, assessment.py for 考核."""
