"""Mails sent as the installation is really reached: `serve --port P` writes links to port P
unless `[server] public_url` says otherwise, and calendar UIDs carry the installation's mail
domain. Delivered to a real aiosmtpd and read back from the wire (issue 15)."""

from __future__ import annotations

import email
import email.policy

import icalendar
import pytest

from matchmaker.cli import serving_environment
from matchmaker.config import load_settings
from matchmaker.services.mailing import identity
from matchmaker.services.scheduling import versions as scheduling
from matchmaker.services.scheduling.solver_runs import wait_for_run
from tests.services.mailing.test_worker import make_worker
from tests.services.scheduling.factories import SOLVE_SECONDS, seeded_event

MAIL_FROM = "星河市科学技术局 <noreply@kjj.example.gov.cn>"


@pytest.fixture
def configured():
    """Configure the process's mail identity from settings, as the app does at start-up; put the default back."""
    before = identity.mail_identity()

    def configure(tmp_path, **environ: str) -> identity.MailIdentity:
        settings = load_settings(tmp_path / "absent.toml", environ={
            "MATCHMAKER_PATHS_VAR_DIR": str(tmp_path / "var"), "MATCHMAKER_MAIL_FROM": MAIL_FROM, **environ})
        identity.configure(identity.identity_from_settings(settings))
        return identity.mail_identity()

    yield configure
    identity.configure(before)


async def _publish_and_deliver(make_organization, smtp_server):
    seeded = await seeded_event(make_organization, enterprises=1)
    run = await wait_for_run(await scheduling.start_run(seeded.event, by=seeded.organizer, time_limit=SOLVE_SECONDS))
    await scheduling.publish_version(await scheduling.save_draft(run, by=seeded.organizer), by=seeded.organizer,
                                     replaces=None)
    worker = make_worker(smtp_server)
    await worker.run_until_idle()
    await worker.transport.close()
    messages = [email.message_from_bytes(m.content, policy=email.policy.default)
                for m in smtp_server.handler.messages]
    return seeded, messages


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _calendar(message) -> icalendar.Calendar:
    [part] = [p for p in message.iter_attachments() if p.get_filename() == "agenda.ics"]
    assert part.get_content_type() == "text/calendar"
    return icalendar.Calendar.from_ical(part.get_content())


async def test_serve_port_is_where_the_agenda_links_point(client, make_organization, smtp_server, tmp_path,
                                                          configured):
    configured(tmp_path, **serving_environment("127.0.0.1", 42180))

    seeded, messages = await _publish_and_deliver(make_organization, smtp_server)

    link = f"http://127.0.0.1:42180/events/{seeded.event.pk}/agenda"
    assert messages and all(link in _text(m) for m in messages)
    assert not any("127.0.0.1:8000" in _text(m) for m in messages)
    # One agenda.ics attachment per mail, no inline multi-event PUBLISH part.
    for message in messages:
        inline = [p for p in message.walk() if p.get_content_type() == "text/calendar"
                  and p.get_content_disposition() != "attachment"]
        assert inline == []
    uids = {str(e["UID"]) for m in messages for e in _calendar(m).walk("VEVENT")}
    enterprise = seeded.enterprises[0].pk
    assert f"meeting-{seeded.event.pk}-{enterprise}-{seeded.bank.pk}@kjj.example.gov.cn" in uids
    assert all(uid.endswith("@kjj.example.gov.cn") for uid in uids)


async def test_public_url_wins_over_the_serving_address(client, make_organization, smtp_server, tmp_path,
                                                        configured):
    configured(tmp_path, MATCHMAKER_SERVER_PUBLIC_URL="https://kjj.example.gov.cn/matchmaker/",
               **serving_environment("0.0.0.0", 42180))

    seeded, messages = await _publish_and_deliver(make_organization, smtp_server)

    assert all(f"https://kjj.example.gov.cn/matchmaker/events/{seeded.event.pk}/agenda" in _text(m)
               for m in messages)
    assert not any("42180" in _text(m) for m in messages)
