"""Mail: pure composition, calendar files, MIME, delivery and the retry policy.

- `compose`   context dataclasses -> `render_email(...)` -> `RenderedEmail(subject, text, html)`
- `calendar`  `CalendarMeeting` -> `agenda_calendar(...)` -> agenda.ics bytes (PUBLISH / CANCEL)
- `message`   `build_message(...)` -> `EmailMessage`; `message_to_bytes` / `message_from_bytes`
- `transport` the `Transport` protocol and the `TransientDeliveryError` / `PermanentDeliveryError`
- `smtp`      `SmtpTransport`: one reused aiosmtplib connection, a deadline per message
- `files`     `EmlDirectoryTransport`: .eml files under ./var/mail when no SMTP server is set
- `retry`     `classify`, `next_attempt_delay`, `after_failure`: what the outbox does next

Nothing here touches the database: the outbox worker and the publishing service build the
contexts from ORM rows and store what these functions return.
"""
