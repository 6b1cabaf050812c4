"""Organizer-defined fields (a city's 白名单, 创新积分 …). A field declared on profiles (target
"profile") appears on every enterprise profile, in the enterprise import template and in the
criteria editor as `custom.<key>`; one declared on needs (target "need", e.g. 订单金额, 项目所处阶段)
appears in the need form, in the need import/export and in the editor as `need.custom.<key>`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from matchmaker.errors import InvalidInput, NotAllowed
from matchmaker.matching.fields import FieldRegistry, FieldType, custom_field, default_fields, need_custom_field
from matchmaker.models import CustomField, Organization, User
from matchmaker.services.registry import columns
from matchmaker.services.audit import audit
from matchmaker.services.tenancy import get_scoped

#: custom field type -> (matching engine type, column kind for forms and import)
CUSTOM_TYPES: dict[str, tuple[FieldType, str]] = {
    "number": (FieldType.NUMBER, columns.DECIMAL),
    "percent": (FieldType.PERCENT, columns.PERCENT),
    "money": (FieldType.MONEY, columns.MONEY),
    "bool": (FieldType.BOOL, columns.BOOL),
    "date": (FieldType.DATE, columns.DATE),
    "enum": (FieldType.ENUM, columns.CHOICE),
    "text": (FieldType.TEXT, columns.TEXT),
}
TYPE_LABELS = {"number": "数值", "percent": "百分比", "money": "金额（万元）", "bool": "是/否", "date": "日期",
               "enum": "单选", "text": "文字"}
TARGETS = {"profile": "企业画像", "need": "融资需求"}
KEY_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$|^[\u4e00-\u9fff][\u4e00-\u9fffA-Za-z0-9_]{0,19}$")


@dataclass(frozen=True)
class CustomFieldDraft:
    key: str
    label: str
    type: str
    options: str = ""  # for enum: 、-separated
    description: str = ""
    target: str = "profile"  # profile | need (fixed once declared)


async def custom_fields(target: str | None = "profile") -> list[CustomField]:
    """The declared fields of `target` (profile or need) in declaration order; None: every field."""
    query = CustomField.all() if target is None else CustomField.filter(target=target)
    return await query.order_by("id")


async def need_custom_fields() -> list[CustomField]:
    return await custom_fields("need")


def custom_column(field: CustomField) -> columns.Column:
    kind = CUSTOM_TYPES[field.type][1]
    return columns.Column(f"custom.{field.key}", field.label, kind, choices=tuple(field.options),
                          minimum=None if kind in (columns.DECIMAL,) else 0, hint=field.description)


async def criteria_fields() -> FieldRegistry:
    """What criteria may test: the engine's built-in fields, every declared custom field and every
    list (`list.<key>`)."""
    from matchmaker.services.registry.lists import all_lists, list_fields

    declared = [(need_custom_field if f.target == "need" else custom_field)(
                    f.key, CUSTOM_TYPES[f.type][0], label=f.label, choices=tuple(f.options),
                    unit="万元" if f.type == "money" else "")
                for f in await custom_fields(None)]
    return default_fields().with_custom(declared).with_lists(list_fields(await all_lists()))


def _checked(draft: CustomFieldDraft) -> dict:
    problems = {}
    key, label = draft.key.strip(), draft.label.strip()
    if not KEY_PATTERN.match(key):
        problems["key"] = "字段代码须以字母或汉字开头，只含字母、数字、下划线或汉字，最长 40 个字符"
    if not label or len(label) > 60:
        problems["label"] = "请填写名称（最长 60 个字）"
    if draft.type not in CUSTOM_TYPES:
        problems["type"] = "请选择字段类型"
    if draft.target not in TARGETS:
        problems["target"] = "请选择字段所属对象（企业画像或融资需求）"
    options = [o for o in columns.LIST_SEPARATORS.split(draft.options) if o.strip()] if draft.options else []
    if draft.type == "enum" and len(options) < 2:
        problems["options"] = "单选字段至少需要两个选项，用“、”分隔"
    if len(draft.description) > 300:
        problems["description"] = "说明不能超过 300 个字"
    for name in ("label", "options", "description"):
        try:
            columns.refuse_control_characters(getattr(draft, name))
        except ValueError as error:
            problems[name] = str(error)
    if problems:
        raise InvalidInput(problems)
    return {"key": key, "label": label, "type": draft.type, "options": [o.strip() for o in options],
            "description": draft.description.strip(), "target": draft.target}


async def define_custom_field(organizer: Organization, *, draft: CustomFieldDraft, by: User) -> CustomField:
    """Declare a custom field; its key is fixed once criteria may refer to it."""
    if not organizer.is_organizer:
        raise NotAllowed("只有组织方可以定义自定义字段")
    row = _checked(draft)
    if await CustomField.exists(key=row["key"]):
        raise InvalidInput({"key": f"字段代码 {row['key']} 已存在"})
    async with in_transaction():
        field = await CustomField.create(created_by=organizer, **row)
        await audit(by, "custom_field.create", field, organization=organizer, after=row)
    return field


async def update_custom_field(organizer: Organization, field_id: object, *, draft: CustomFieldDraft,
                              by: User) -> CustomField:
    """Change label, options or description (the key, type and target stay: criteria, profiles and
    needs use them)."""
    field = await get_scoped(CustomField, organizer, field_id, via="created_by")
    row = _checked(CustomFieldDraft(key=field.key, label=draft.label, type=field.type, options=draft.options,
                                    description=draft.description, target=field.target))
    before = {"label": field.label, "options": field.options, "description": field.description}
    async with in_transaction():
        field.label, field.options, field.description = row["label"], row["options"], row["description"]
        await field.save()
        await audit(by, "custom_field.update", field, organization=organizer, before=before,
                    after={k: row[k] for k in before})
    return field
