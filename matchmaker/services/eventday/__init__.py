"""eventday: the day of the event — check-in passes, attendance, the live board, refilling."""
