"""Which transport the settings give."""

from __future__ import annotations

from matchmaker.config import Settings
from matchmaker.mail.factory import transport_from_settings
from matchmaker.mail.files import EmlDirectoryTransport
from matchmaker.mail.smtp import SmtpTransport


def test_no_smtp_host_writes_eml_files_under_var_mail(tmp_path):
    settings = Settings(paths_var_dir=str(tmp_path))

    transport = transport_from_settings(settings)

    assert isinstance(transport, EmlDirectoryTransport)
    assert transport.directory == tmp_path / "mail"


def test_smtp_host_gives_an_smtp_transport_without_showing_the_password():
    settings = Settings(mail_smtp_host="smtp.example.gov.cn", mail_smtp_port=587,
                        mail_smtp_username="matchmaker", mail_smtp_password="s3cret-pw",
                        mail_smtp_starttls=True)

    transport = transport_from_settings(settings, timeout=10.0)

    assert isinstance(transport, SmtpTransport)
    assert (transport.host, transport.port, transport.username, transport.starttls,
            transport.timeout) == ("smtp.example.gov.cn", 587, "matchmaker", True, 10.0)
    assert repr(transport) == "SmtpTransport(smtp.example.gov.cn:587, starttls, user='matchmaker')"
    assert "s3cret-pw" not in repr(transport)


def test_empty_username_means_no_login():
    settings = Settings(mail_smtp_host="relay.intranet", mail_smtp_password="ignored")

    transport = transport_from_settings(settings)

    assert transport.username is None
