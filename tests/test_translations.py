"""Every Chinese string in the pages has an English translation in the catalog."""

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from matchmaker.config import PROJECT_ROOT

CATALOG = PROJECT_ROOT / "matchmaker" / "locale" / "en" / "LC_MESSAGES" / "messages.po"


def _source_messages() -> set[str]:
    # E-mails carry both languages in their own blocks (see templates/emails/), not in the catalog.
    method_map = [("templates/emails/**", "ignore"), ("matchmaker/web/**.py", "python"), ("templates/**.html", "jinja2")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    extracted = extract_from_dir(str(PROJECT_ROOT), method_map, options, keywords)
    return {message if isinstance(message, str) else message[0] for _file, _line, message, _notes, _ctx in extracted}


def test_every_page_string_is_translated_to_english():
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    translated = {message.id[0] if isinstance(message.id, tuple) else message.id  # plural entries: by the singular
                  for message in catalog if message.id and all(message.string if isinstance(message.string, tuple)
                                                               else [message.string])}

    missing = sorted(_source_messages() - translated)

    assert missing == []
    assert not catalog.fuzzy  # `pybabel compile` skips a catalog whose header is marked fuzzy
