"""Pages of the mailing domain: the inbox and the organizer's outbox."""
