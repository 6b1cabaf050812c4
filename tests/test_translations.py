"""Every Chinese string in the pages has an English translation in the catalog."""

import os

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from matchmaker.config import PROJECT_ROOT

CATALOG = PROJECT_ROOT / "matchmaker" / "locale" / "en" / "LC_MESSAGES" / "messages.po"


def _source_messages() -> set[str]:
    # E-mails carry both languages in their own blocks (see templates/emails/), not in the catalog.
    method_map = [("templates/emails/**", "ignore"), ("matchmaker/web/**.py", "python"), ("templates/**.html", "jinja2")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    # Babel skips folders starting with "_" by default: templates/_partials holds page strings too.
    extracted = extract_from_dir(str(PROJECT_ROOT), method_map, options, keywords,
                                 directory_filter=lambda path: not os.path.basename(path).startswith("."))
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


def test_every_registry_form_column_is_translated_to_english():
    """The registry's columns are written in Chinese (they head its workbooks too) and the forms
    show them through the catalog: every header, hint and choice word has its English."""
    import re

    from matchmaker.services.registry import needs, policies, products, profiles

    with CATALOG.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    columns = [*needs.need_columns(), *policies.policy_columns(["新材料"]), *products.product_columns(["新材料"]),
               *profiles.profile_columns(["新材料"], [])]
    words = {text for col in columns for text in (col.header, col.hint, *col.choices)
             if text and re.search(r"[\u4e00-\u9fff]", text) and text != "新材料"}  # the chains are the organizer's data
    words |= set(profiles.SECTIONS)

    missing = sorted(word for word in words if not (catalog.get(word) and catalog.get(word).string))

    assert len(words) > 90 and missing == []
