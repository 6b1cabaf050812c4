"""EmlDirectoryTransport: one .eml per Message-ID, written atomically."""

from __future__ import annotations

import pytest

from matchmaker.mail.files import EmlDirectoryTransport, eml_filename
from matchmaker.mail.message import message_from_bytes
from matchmaker.mail.transport import PermanentDeliveryError, TransientDeliveryError, Transport
from tests.mail.factories import email_message


def test_both_transports_satisfy_the_protocol():
    from matchmaker.mail.smtp import SmtpTransport

    transports: list[Transport] = [EmlDirectoryTransport("var/mail"),
                                   SmtpTransport(host="127.0.0.1", port=25)]

    assert all(callable(t.send) and callable(t.close) for t in transports)


async def test_writes_one_file_named_after_the_message_id(tmp_path):
    transport = EmlDirectoryTransport(tmp_path / "mail")

    await transport.send(email_message(1))
    await transport.send(email_message(2))

    assert sorted(p.name for p in (tmp_path / "mail").iterdir()) == [
        "agenda-1@example.gov.cn.eml", "agenda-2@example.gov.cn.eml"]
    written = message_from_bytes((tmp_path / "mail" / "agenda-1@example.gov.cn.eml").read_bytes())
    assert written["Subject"] == "【2026 科技金融银企对接会】您的洽谈日程（第1版）"
    assert written["Message-ID"] == "<agenda-1@example.gov.cn>"


async def test_resending_the_same_message_replaces_its_file(tmp_path):
    transport = EmlDirectoryTransport(tmp_path)

    await transport.send(email_message(1))
    await transport.send(email_message(1))

    assert [p.name for p in tmp_path.iterdir()] == ["agenda-1@example.gov.cn.eml"]


async def test_message_without_id_is_refused(tmp_path):
    message = email_message(1)
    del message["Message-ID"]

    with pytest.raises(PermanentDeliveryError, match="no Message-ID"):
        await EmlDirectoryTransport(tmp_path).send(message)


async def test_a_file_where_the_directory_should_be_is_transient(tmp_path):
    (tmp_path / "mail").write_text("not a directory")

    with pytest.raises(TransientDeliveryError, match="cannot write"):
        await EmlDirectoryTransport(tmp_path / "mail").send(email_message(1))


@pytest.mark.parametrize("message_id, name", [
    ("<179539291083.9549.746232706263317198@example.cn>",
     "179539291083.9549.746232706263317198@example.cn.eml"),
    ("<../../etc/passwd@x>", "_.._etc_passwd@x.eml"),
    ("<a/b\\c d@x>", "a_b_c_d@x.eml"),
])
def test_file_names_are_safe(message_id, name):
    assert eml_filename(message_id) == name


async def test_no_temporary_files_are_left_behind(tmp_path):
    await EmlDirectoryTransport(tmp_path).send(email_message(1))

    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
