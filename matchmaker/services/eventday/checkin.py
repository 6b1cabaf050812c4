"""The check-in pass printed on an agenda: a signed token naming the event and the participant.

Signed with the app's secret key (itsdangerous), so a pass cannot be forged by editing the
numbers, and it holds no personal data: the check-in desk looks the organization up. The QR
code is an SVG data URI (segno), embedded in the page; the CSP allows `img-src data:`.
"""

from __future__ import annotations

from functools import lru_cache

import segno
from itsdangerous import BadSignature, URLSafeSerializer

SALT = "matchmaker.checkin"


def checkin_token(secret_key: str, *, event_id: int, organization_id: int) -> str:
    return URLSafeSerializer(secret_key, salt=SALT).dumps([event_id, organization_id])


def read_checkin_token(secret_key: str, token: str) -> tuple[int, int] | None:
    """(event id, organization id) of a genuine pass; None for a forged or damaged one."""
    try:
        event_id, organization_id = URLSafeSerializer(secret_key, salt=SALT).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    return int(event_id), int(organization_id)


@lru_cache(maxsize=1024)
def qr_data_uri(text: str) -> str:
    """Encoding a QR code is most of an agenda page's CPU, and its image depends on the text
    alone (a pass token names one event and participant): encoded once per process."""
    return segno.make(text, error="m").svg_data_uri(scale=4, border=2)


def read_pass_payload(token: str) -> tuple[int, int] | None:
    """(event id, organization id) a pass *claims*, without checking its signature: only to name
    the event a refused pass was meant for. Never trust it for anything else."""
    try:
        event_id, organization_id = URLSafeSerializer("unused", salt=SALT).loads_unsafe(token)[1]
    except (ValueError, TypeError):
        return None
    try:
        return int(event_id), int(organization_id)
    except (TypeError, ValueError):
        return None
