"""The words the matching engine writes, per language: a small phrasebook passed to `render`.

`matching/` stays pure (no gettext, no request state): the caller says which book to write in.
Reasons are written once in Chinese (the source language, what tests, the CLI and the API
read) and carry how to write themselves again in another language (`Said`), so a page renders
each reason in its reader's language at display time without the services knowing languages.

The English words follow the app's catalog (messages.po): 万元 is "×10k yuan", 个月 "months".
Names that are data (a product, a region, an organizer's custom field, a policy's own sentence)
stay as written; the fixed vocabularies the registry offers (qualifications, collateral kinds,
financing kinds) are translated here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Phrasebook:
    """One language's words. `code` is the page language ("zh" | "en")."""

    code: str
    words: Mapping[str, str] = field(default_factory=dict)

    @property
    def english(self) -> bool:
        return self.code == "en"

    def term(self, chinese: str) -> str:
        """A fixed-vocabulary word (a qualification, a collateral kind) in this language."""
        return self.words.get(chinese, chinese) if self.english else chinese


#: Field labels in English, by field key (fields.py keeps the Chinese label beside the getter).
FIELD_LABELS_EN: Mapping[str, str] = {
    "uscc": "Unified social credit code",
    "name": "Company name",
    "province": "Province",
    "city": "City",
    "district": "District",
    "industry": "Industry code",
    "industry_section": "Industry section",
    "industry_division": "Industry division",
    "industry_chains": "Industry chains",
    "size_class": "Company size",
    "established": "Date established",
    "years_established": "Years since establishment",
    "employees": "Employees",
    "rd_staff_ratio": "R&D staff share",
    "revenue": "Revenue",
    "total_assets": "Total assets",
    "rd_ratio": "R&D spending share",
    "profitable": "Profitable",
    "tax_rating": "Tax credit rating",
    "invention_patents": "Invention patents",
    "utility_patents": "Utility-model patents",
    "design_patents": "Design patents",
    "software_copyrights": "Software copyrights",
    "ic_layouts": "IC layout designs",
    "plant_varieties": "Plant varieties",
    "trademarks": "Registered trademarks",
    "ip_total": "IP rights in total",
    "ip_class1": "Class I IP rights",
    "ip_class2": "Class II IP rights",
    "qualifications": "Valid qualifications",
    "dishonest_debtor": "Dishonest judgment debtor",
    "serious_violation": "Serious violation of trust",
    "current_overdue": "Currently overdue",
    "overdue_count_2y": "Overdue payments in two years",
    "first_loan": "First-time borrower",
    "existing_debt": "Existing debt",
    "debt_ratio": "Debt-to-asset ratio",
    "debt_ratio_after_loan": "Debt-to-asset ratio after the loan",
    "vc_backed": "Venture-capital backed",
    "last_round": "Latest funding round",
    "valuation": "Latest valuation",
    "phd_count": "PhD holders",
    "high_level_talent_count": "High-level talents",
    "innovation_score": "Innovation score",
    "need.kind": "Financing kind",
    "need.amount": "Amount sought",
    "need.term_months": "Term sought",
    "need.purpose": "Use of funds",
    "need.collateral": "Collateral offered",
    "need.collateral_value": "Appraised collateral value",
    "need.acceptable_rate": "Acceptable annual rate",
    "legal_rep_age": "Legal representative's age",
    "legal_rep_share": "Legal representative's shareholding",
    "overdue_30d": "Overdue more than 30 days",
    "overdue_90d": "Overdue more than 90 days",
    "overdue_3x6": "Overdue 3 in a row or 6 in total (two years)",
    "abnormal_operation": "On the abnormal-operation list",
    "tax_paid": "Tax paid last year",
    "taxable_sales": "Taxable sales last year",
    "profitable_2y": "Profitable in both of the last two years",
    "new_hires": "New hires last year",
    "need.pledged_ip_remaining_years": "Remaining protection of pledged patents",
    "need.pledged_ip_value": "Appraised value of pledged IP",
}

#: Units of number fields (fields.py writes them in Chinese).
UNITS_EN: Mapping[str, str] = {"年": "years", "人": "people", "件": "items", "次": "times", "个月": "months",
                               "分": "points", "岁": "years old", "万元": "×10k yuan", "%": "%"}

KINDS_EN: Mapping[str, str] = {
    "credit_loan": "Credit loan", "ip_pledge_loan": "IP-pledge loan", "guaranteed_loan": "Guaranteed loan",
    "equity": "Equity financing", "insurance": "Tech insurance", "leasing": "Financial leasing",
    "bond": "Bond financing",
}

_VOCABULARY_EN: Mapping[str, str] = {
    # qualifications (registry.QUALIFICATIONS)
    "高新技术企业": "High-tech enterprise",
    "科技型中小企业": "Tech-based SME",
    "专精特新中小企业": "Specialised and innovative SME",
    "专精特新“小巨人”企业": "“Little giant” enterprise",
    "创新型中小企业": "Innovative SME",
    "瞪羚企业": "Gazelle enterprise",
    "制造业单项冠军": "Manufacturing single champion",
    "独角兽企业": "Unicorn enterprise",
    # collateral kinds (registry.COLLATERAL_KINDS)
    "知识产权": "IP rights",
    "应收账款": "Receivables",
    "股权": "Equity",
    "房产": "Real estate",
    "设备": "Equipment",
    "存货": "Inventory",
    "订单": "Orders",
    "保证人": "Guarantor",
    "无": "None",
    # company sizes
    "大": "Large", "中": "Medium", "小": "Small", "微": "Micro",
}

ZH = Phrasebook("zh")
EN = Phrasebook("en", _VOCABULARY_EN)
BOOKS: Mapping[str, Phrasebook] = {"zh": ZH, "en": EN}


def book_for(language: str | None) -> Phrasebook:
    """The phrasebook of `language`; anything unknown reads Chinese."""
    return BOOKS.get(language or "zh", ZH)


class Said(str):
    """A text written in Chinese that can write itself again in another language.

    It *is* the Chinese string (so equality, `in`, joins and JSON see the source text), and
    `in_book(book)` gives the same sentence from `write(book)`.
    """

    write: Callable[[Phrasebook], str]

    def __new__(cls, write: Callable[[Phrasebook], str]) -> Said:
        text = super().__new__(cls, write(ZH))
        text.write = write
        return text

    def in_book(self, book: Phrasebook) -> str:
        return str(self) if book is ZH else self.write(book)

    def __reduce__(self):  # a plain string when copied across processes (the write closure is local)
        return (str, (str(self),))


def say(write: Callable[[Phrasebook], str]) -> Said:
    return Said(write)


def in_language(text: object, language: str | None) -> object:
    """`text` in `language` when it can say so (a `Said`), else as it is."""
    if isinstance(text, Said):
        return text.in_book(book_for(language))
    return text


def written(text: str, book: Phrasebook) -> str:
    """`text` in `book`'s language when it is a `Said`, else as it is."""
    return text.in_book(book) if isinstance(text, Said) else text


def field_label(field, book: Phrasebook) -> str:  # field: fields.Field (not imported: fields imports nothing here)
    """The label of a registry field in `book`'s language (custom fields keep the organizer's name)."""
    if not book.english:
        return field.label
    return getattr(field, "label_en", "") or FIELD_LABELS_EN.get(field.key) or field.label


def unit_of(unit: str, book: Phrasebook) -> str:
    return UNITS_EN.get(unit, unit) if book.english else unit
