"""The six emails in Chinese and English: exact subjects, the lines that matter, escaping."""

from __future__ import annotations

from datetime import date, datetime, timezone

import jinja2
import pytest

from matchmaker.mail.compose import (
    DEFAULT_TEMPLATES_DIR,
    AgendaMail,
    Change,
    MeetingCancelledMail,
    ReminderMail,
    RequestAnsweredMail,
    RequestExpiredMail,
    RequestReceivedMail,
    build_email_templates,
    render_email,
)
from tests.mail.factories import agenda_line, at

EVENT = "2026 苏州科技金融银企对接会"
VENUE = "苏州国际博览中心 B馆"


def agenda_mail(**overrides) -> AgendaMail:
    fields = dict(
        participant_name="苏州纳芯微电子有限公司",
        event_title=EVENT,
        venue=VENUE,
        version=2,
        meetings=[
            agenda_line(),
            agenda_line(start=at(8, 10, 0), end=at(8, 10, 20), counterpart="苏州市融资再担保",
                        topic="担保贷款 300万元", table=None, hall="路演厅A"),
        ],
        changes=[],
        agenda_url="https://match.example.gov.cn/events/7/agenda",
    )
    return AgendaMail(**{**fields, **overrides})


# --- agenda -----------------------------------------------------------------------------------


def test_agenda_in_chinese_lists_each_meeting_in_shanghai_time():
    mail = agenda_mail()

    rendered = render_email("agenda.html", mail)

    assert rendered.subject == f"【{EVENT}】您的洽谈日程（第2版）"
    assert rendered.text.startswith("苏州纳芯微电子有限公司，您好：\n")
    assert f"地点：{VENUE}\n" in rendered.text
    assert ("- 2026年12月8日（星期二） 09:00–09:20，第3桌\n"
            "  对方：中国银行苏州分行\n"
            "  事项：科技成果转化贷款 500万元\n") in rendered.text
    assert "- 2026年12月8日（星期二） 10:00–10:20，路演厅A\n" in rendered.text
    assert "查看完整日程：https://match.example.gov.cn/events/7/agenda\n" in rendered.text
    assert ("<tr><td>2026年12月8日（星期二） 09:00–09:20</td><td>第3桌</td>"
            "<td>中国银行苏州分行</td><td>科技成果转化贷款 500万元</td></tr>") in rendered.html


def test_agenda_in_english():
    mail = agenda_mail()

    rendered = render_email("agenda.html", mail, language="en")

    assert rendered.subject == f"{EVENT}: your meeting schedule (version 2)"
    assert rendered.text.startswith("Dear 苏州纳芯微电子有限公司,\n")
    assert ("- Tuesday 8 December 2026 09:00–09:20, Table 3\n"
            "  With: 中国银行苏州分行\n") in rendered.text
    assert '<html lang="en">' in rendered.html
    assert "<td>Table 3</td>" in rendered.html


def test_agenda_converts_utc_times_to_shanghai():
    utc_start = datetime(2026, 12, 8, 1, 30, tzinfo=timezone.utc)
    mail = agenda_mail(meetings=[agenda_line(start=utc_start,
                                             end=datetime(2026, 12, 8, 1, 50, tzinfo=timezone.utc))])

    rendered = render_email("agenda.html", mail)

    assert "- 2026年12月8日（星期二） 09:30–09:50，第3桌\n" in rendered.text


def test_agenda_highlights_added_moved_and_cancelled_meetings():
    old = agenda_line(counterpart="招商银行", topic="知识产权质押贷款")
    moved = agenda_line(start=at(8, 14, 0), end=at(8, 14, 20), counterpart="招商银行",
                        topic="知识产权质押贷款", table=5)
    added = agenda_line(start=at(9, 9, 0), end=at(9, 9, 20), counterpart="苏州银行", table=1)
    cancelled = agenda_line(start=at(8, 11, 0), end=at(8, 11, 20), counterpart="华泰证券")
    mail = agenda_mail(changes=[Change("added", added), Change("moved", moved, previous=old),
                                Change("cancelled", cancelled)])

    zh = render_email("agenda.html", mail)
    en = render_email("agenda.html", mail, language="en")

    assert "与上一版相比的变化：\n" in zh.text
    assert "  [新增] 2026年12月9日（星期三） 09:00–09:20，第1桌，与苏州银行\n" in zh.text
    assert ("  [调整] 与招商银行：2026年12月8日（星期二） 09:00–09:20，第3桌 → "
            "2026年12月8日（星期二） 14:00–14:20，第5桌\n") in zh.text
    # A cancelled line says where the meeting was, as an added one does.
    assert "  [取消] 2026年12月8日（星期二） 11:00–11:20，第3桌，与华泰证券\n" in zh.text
    assert 'class="change-cancelled"' in zh.html
    assert "<s>2026年12月8日（星期二） 11:00–11:20，第3桌</s> · 华泰证券" in zh.html
    assert ("  [MOVED] with 招商银行: Tuesday 8 December 2026 09:00–09:20, Table 3 -> "
            "Tuesday 8 December 2026 14:00–14:20, Table 5\n") in en.text


def test_agenda_without_changes_has_no_change_section():
    rendered = render_email("agenda.html", agenda_mail(changes=[]))

    assert "变化" not in rendered.text
    assert "change-" not in rendered.html


def test_agenda_with_no_meetings_says_so():
    rendered = render_email("agenda.html", agenda_mail(meetings=[]))

    assert "本版日程中您暂无洽谈安排。\n" in rendered.text
    assert "<table" not in rendered.html


def test_participant_name_is_escaped_in_html_only():
    mail = agenda_mail(participant_name='<script>alert("x")</script>有限公司',
                       meetings=[agenda_line(counterpart="A&B <b>银行</b>")])

    rendered = render_email("agenda.html", mail)

    assert "<script>" not in rendered.html
    assert "<p>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;有限公司，您好：</p>" in rendered.html
    assert "<td>A&amp;B &lt;b&gt;银行&lt;/b&gt;</td>" in rendered.html
    assert rendered.text.startswith('<script>alert("x")</script>有限公司，您好：\n')


def test_subject_is_one_line_even_if_a_title_has_a_newline():
    rendered = render_email("agenda.html", agenda_mail(event_title="第一届\n银企对接会"))

    assert rendered.subject == "【第一届 银企对接会】您的洽谈日程（第2版）"


# --- requests ---------------------------------------------------------------------------------


def request_received(**overrides) -> RequestReceivedMail:
    fields = dict(participant_name="招商银行苏州分行", event_title=EVENT,
                  requester="苏州纳芯微电子有限公司", topic="流动资金贷款 800万元",
                  respond_by=at(5, 18, 0), respond_url="https://match.example.gov.cn/r/41",
                  note="希望了解贴息政策")
    return RequestReceivedMail(**{**fields, **overrides})


def test_request_received_in_chinese():
    rendered = render_email("request_received.html", request_received())

    assert rendered.subject == f"【{EVENT}】苏州纳芯微电子有限公司向您发起洽谈请求"
    assert "事项：流动资金贷款 800万元\n" in rendered.text
    assert "留言：希望了解贴息政策\n" in rendered.text
    assert ("请于2026年12月5日（星期六） 18:00（北京时间）前接受或婉拒："
            "https://match.example.gov.cn/r/41\n") in rendered.text
    assert '<a href="https://match.example.gov.cn/r/41">接受或婉拒</a>' in rendered.html


def test_request_received_in_english_without_note():
    rendered = render_email("request_received.html", request_received(note=""), language="en")

    assert rendered.subject == f"{EVENT}: 苏州纳芯微电子有限公司 asks to meet you"
    assert "Their note" not in rendered.text
    assert ("Please accept or decline by Saturday 5 December 2026 18:00 (Beijing time): "
            "https://match.example.gov.cn/r/41\n") in rendered.text


def request_answered(**overrides) -> RequestAnsweredMail:
    fields = dict(participant_name="苏州纳芯微电子有限公司", event_title=EVENT,
                  counterpart="招商银行苏州分行", topic="流动资金贷款 800万元", accepted=True,
                  requests_url="https://match.example.gov.cn/requests")
    return RequestAnsweredMail(**{**fields, **overrides})


def test_request_accepted_in_both_languages():
    zh = render_email("request_answered.html", request_answered())
    en = render_email("request_answered.html", request_answered(), language="en")

    assert zh.subject == f"【{EVENT}】招商银行苏州分行已接受您的洽谈请求"
    assert "主办方发布日程后，该洽谈将列入您的日程。\n" in zh.text
    assert en.subject == f"{EVENT}: 招商银行苏州分行 accepted your meeting request"


def test_request_declined_shows_the_reason():
    mail = request_answered(accepted=False, reason="贷款额度超出本行产品上限")

    zh = render_email("request_answered.html", mail)
    en = render_email("request_answered.html", mail, language="en")

    assert zh.subject == f"【{EVENT}】招商银行苏州分行已婉拒您的洽谈请求"
    assert "原因：贷款额度超出本行产品上限\n" in zh.text
    assert "<p>原因：贷款额度超出本行产品上限</p>" in zh.html
    assert en.subject == f"{EVENT}: 招商银行苏州分行 declined your meeting request"
    assert "Reason: 贷款额度超出本行产品上限\n" in en.text


def test_request_expired_in_both_languages():
    mail = RequestExpiredMail(participant_name="苏州纳芯微电子有限公司", event_title=EVENT,
                              counterpart="招商银行苏州分行", topic="流动资金贷款 800万元",
                              expired_at=at(5, 18, 0),
                              requests_url="https://match.example.gov.cn/requests")

    zh = render_email("request_expired.html", mail)
    en = render_email("request_expired.html", mail, language="en")

    assert zh.subject == f"【{EVENT}】您向招商银行苏州分行发起的洽谈请求已过期"
    assert "已于2026年12月5日（星期六） 18:00（北京时间）过期。\n" in zh.text
    assert en.subject == f"{EVENT}: your meeting request to 招商银行苏州分行 has expired"
    assert "expired on Saturday 5 December 2026 18:00 (Beijing time).\n" in en.text


# --- meetings ---------------------------------------------------------------------------------


def test_meeting_cancelled_in_both_languages():
    mail = MeetingCancelledMail(participant_name="苏州纳芯微电子有限公司", event_title=EVENT,
                                venue=VENUE, meeting=agenda_line(), reason="机构代表临时缺席",
                                agenda_url="https://match.example.gov.cn/events/7/agenda")

    zh = render_email("meeting_cancelled.html", mail)
    en = render_email("meeting_cancelled.html", mail, language="en")

    assert zh.subject == f"【{EVENT}】您与中国银行苏州分行的洽谈已取消"
    assert f"- 2026年12月8日（星期二） 09:00–09:20，第3桌，{VENUE}\n" in zh.text
    assert "原因：机构代表临时缺席\n" in zh.text
    assert en.subject == f"{EVENT}: your meeting with 中国银行苏州分行 is cancelled"
    assert f"- Tuesday 8 December 2026 09:00–09:20, Table 3, {VENUE}\n" in en.text


def test_reminder_in_both_languages():
    mail = ReminderMail(participant_name="苏州纳芯微电子有限公司", event_title=EVENT,
                        venue=VENUE, day=date(2026, 12, 8), meetings=[agenda_line()],
                        agenda_url="https://match.example.gov.cn/events/7/agenda")

    zh = render_email("reminder.html", mail)
    en = render_email("reminder.html", mail, language="en")

    assert zh.subject == f"【{EVENT}】明日洽谈提醒：2026年12月8日（星期二）"
    assert "- 09:00–09:20，第3桌\n  对方：中国银行苏州分行\n" in zh.text
    assert en.subject == f"{EVENT}: your meetings tomorrow, Tuesday 8 December 2026"
    assert "- 09:00–09:20, Table 3\n  With: 中国银行苏州分行\n" in en.text


# --- contract ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_email_ends_with_the_signature(language):
    rendered = render_email("reminder.html", ReminderMail(
        participant_name="x", event_title="y", venue="z", day=date(2026, 12, 8), meetings=[],
        agenda_url="https://u"), language=language)

    last_line = rendered.text.splitlines()[-1]
    assert last_line.startswith("—")
    assert rendered.html.endswith("</html>\n")


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="unsupported language 'fr'"):
        render_email("agenda.html", agenda_mail(), language="fr")


def test_naive_datetime_is_refused():
    mail = agenda_mail(meetings=[agenda_line(start=datetime(2026, 12, 8, 9, 0))])

    with pytest.raises(ValueError, match="naive datetime"):
        render_email("agenda.html", mail)


def test_missing_context_field_is_an_error_not_a_blank():
    with pytest.raises(jinja2.UndefinedError):
        render_email("agenda.html", {"participant_name": "x"})


def test_templates_can_come_from_another_directory(tmp_path):
    (tmp_path / "emails").mkdir()
    (tmp_path / "emails" / "hello.html").write_text(
        "{% block subject %}你好 {{ name }}{% endblock %}"
        "{% block text %}{{ name }}{% endblock %}"
        "{% block html %}<b>{{ name }}</b>{% endblock %}", encoding="utf-8")
    templates = build_email_templates(tmp_path)

    rendered = render_email("hello.html", {"name": "<张三>"}, templates=templates)

    assert (rendered.subject, rendered.text, rendered.html) == (
        "你好 <张三>", "<张三>\n", "<b>&lt;张三&gt;</b>\n")


def test_default_templates_directory_is_the_repositorys():
    assert (DEFAULT_TEMPLATES_DIR / "emails" / "agenda.html").is_file()
