"""mailing: the outbox and its worker, in-app notifications, request mails and reminders."""
