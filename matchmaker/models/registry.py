"""企业库·需求库·产品库·政策库: what enterprises tell about themselves, what they need, what
institutions offer, the policies an organizer keeps, and who may see what (PIPL consent).

Amounts are integer 元; percentages are percentage points (3.0 means 3%).
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class FinancingKind(StrEnum):
    CREDIT_LOAN = "credit_loan"          # 信用贷款
    IP_PLEDGE_LOAN = "ip_pledge_loan"    # 知识产权质押贷款
    GUARANTEED_LOAN = "guaranteed_loan"  # 担保贷款
    EQUITY = "equity"                    # 股权融资
    INSURANCE = "insurance"              # 科技保险
    LEASING = "leasing"                  # 融资租赁
    BOND = "bond"                        # 债券融资


class NeedStatus(StrEnum):
    OPEN = "open"
    IN_TALKS = "in_talks"
    GRANTED = "granted"
    WITHDRAWN = "withdrawn"


class Urgency(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


class PublicationStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class ConsentScope(StrEnum):
    CONTACT = "contact"        # contact person, phone, email
    FINANCIALS = "financials"  # revenue, assets, debt, valuation


class ConsentAudience(StrEnum):
    ALL_INSTITUTIONS = "all"   # every institution on the platform
    EVENT = "event"            # institutions registered at one event
    NAMED = "named"            # one named institution


class EnterpriseProfile(Model):
    """The enterprise's own account of itself. Any figure may be empty (未填写)."""

    id = fields.IntField(primary_key=True)
    organization = fields.OneToOneField("matchmaker.Organization", related_name="profile", on_delete=fields.CASCADE)
    province = fields.CharField(max_length=32, default="")
    city = fields.CharField(max_length=32, default="")
    district = fields.CharField(max_length=32, default="")
    industry_code = fields.CharField(max_length=8, default="")  # GB/T 4754 class with section letter, e.g. C3911
    industry_chains = fields.JSONField(default=list)  # names from [registry] industry_chains
    size_class = fields.CharField(max_length=2, default="")  # 大 / 中 / 小 / 微
    established_on = fields.DateField(null=True)
    employees = fields.IntField(null=True)
    rd_staff_ratio = fields.FloatField(null=True)
    revenue = fields.BigIntField(null=True)
    total_assets = fields.BigIntField(null=True)
    rd_ratio = fields.FloatField(null=True)
    profitable = fields.BooleanField(null=True)
    tax_rating = fields.CharField(max_length=1, default="")
    invention_patents = fields.IntField(null=True)
    utility_patents = fields.IntField(null=True)
    design_patents = fields.IntField(null=True)
    software_copyrights = fields.IntField(null=True)
    ic_layouts = fields.IntField(null=True)
    plant_varieties = fields.IntField(null=True)
    trademarks = fields.IntField(null=True)
    # {"高新技术企业": {"obtained": "2024-11-20", "valid_until": "2027-11-19"}, ...}
    qualifications = fields.JSONField(default=dict)
    dishonest_debtor = fields.BooleanField(null=True)
    serious_violation = fields.BooleanField(null=True)
    current_overdue = fields.BooleanField(null=True)
    overdue_count_2y = fields.IntField(null=True)
    first_loan = fields.BooleanField(null=True)  # 首贷户: never borrowed from a bank
    existing_debt = fields.BigIntField(null=True)
    vc_backed = fields.BooleanField(null=True)
    last_round = fields.CharField(max_length=32, default="")
    valuation = fields.BigIntField(null=True)
    phd_count = fields.IntField(null=True)
    high_level_talent_count = fields.IntField(null=True)
    # fields programmes test (issue 14): the legal representative, credit, tax, growth
    legal_rep_age = fields.IntField(null=True)  # 岁
    legal_rep_share = fields.FloatField(null=True)  # percent of the equity
    overdue_30d = fields.BooleanField(null=True)  # a loan currently overdue 30 days or more
    overdue_90d = fields.BooleanField(null=True)
    overdue_3x6 = fields.BooleanField(null=True)  # 连三累六 in the last two years
    abnormal_operation = fields.BooleanField(null=True)  # listed in the 经营异常名录
    tax_paid = fields.BigIntField(null=True)  # 元, last year
    taxable_sales = fields.BigIntField(null=True)  # 元, last year
    profitable_2y = fields.BooleanField(null=True)  # profitable in each of the last two years
    new_hires = fields.IntField(null=True)  # last year
    custom = fields.JSONField(default=dict)  # values of the organizer's custom fields, by key
    contact_name = fields.CharField(max_length=50, default="")
    contact_phone = fields.CharField(max_length=32, default="")
    contact_email = fields.CharField(max_length=254, default="")
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "enterprise_profile"


class ProfileRevision(Model):
    """Profile history: a full snapshot after every save, with who saved it."""

    id = fields.IntField(primary_key=True)
    profile = fields.ForeignKeyField("matchmaker.EnterpriseProfile", related_name="revisions",
                                     on_delete=fields.CASCADE)
    saved_by = fields.ForeignKeyField("matchmaker.User", related_name=False, null=True, on_delete=fields.SET_NULL)
    saved_at = fields.DatetimeField(auto_now_add=True)
    data = fields.JSONField()

    class Meta:
        table = "profile_revision"


class CustomField(Model):
    """An organizer-defined profile field (a city's 白名单, 创新积分 …), usable in criteria as custom.<key>."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=40, unique=True)
    label = fields.CharField(max_length=60)
    type = fields.CharField(max_length=10)  # number | percent | money | bool | date | enum | text
    options = fields.JSONField(default=list)  # for enum
    description = fields.CharField(max_length=300, default="")
    # what the field describes: "profile" (企业画像, custom.<key>) or "need" (融资需求, need.custom.<key>)
    target = fields.CharField(max_length=10, default="profile", db_default="profile")  # db_default: existing rows
    created_by = fields.ForeignKeyField("matchmaker.Organization", related_name=False, on_delete=fields.CASCADE)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "custom_field"


class ConsentGrant(Model):
    """An enterprise lets institutions see part of its profile. Revoked grants are kept for the record."""

    id = fields.IntField(primary_key=True)
    enterprise = fields.ForeignKeyField("matchmaker.Organization", related_name="consents_given",
                                        on_delete=fields.CASCADE)
    scope = fields.CharEnumField(ConsentScope, max_length=12)
    audience = fields.CharEnumField(ConsentAudience, max_length=8)
    institution = fields.ForeignKeyField("matchmaker.Organization", related_name="consents_received", null=True,
                                         on_delete=fields.CASCADE)
    event_id = fields.IntField(null=True)  # for audience=event
    granted_by = fields.ForeignKeyField("matchmaker.User", related_name=False, null=True, on_delete=fields.SET_NULL)
    granted_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "consent_grant"


class FinancingNeed(Model):
    """项目库: one financing need of an enterprise."""

    id = fields.IntField(primary_key=True)
    enterprise = fields.ForeignKeyField("matchmaker.Organization", related_name="needs", on_delete=fields.CASCADE)
    title = fields.CharField(max_length=100)
    kind = fields.CharEnumField(FinancingKind, max_length=16)
    amount = fields.BigIntField()  # 元
    term_months = fields.IntField()
    purpose = fields.TextField(default="")
    purpose_category = fields.CharField(max_length=20, default="")  # 流动资金 / 研发投入 / 设备购置 / 扩产 …
    collateral = fields.JSONField(default=list)  # e.g. ["知识产权", "应收账款"]
    collateral_value = fields.BigIntField(null=True)
    acceptable_rate = fields.FloatField(null=True)  # percent per year
    pledged_ip_remaining_years = fields.FloatField(null=True)  # shortest remaining term of the pledged patents
    pledged_ip_value = fields.BigIntField(null=True)  # 元, appraised value of the pledged IP
    # the organizer's need fields (CustomField.target "need") by key; db_default: existing rows
    custom = fields.JSONField(default=dict, db_default="{}")
    urgency = fields.CharEnumField(Urgency, max_length=8, default=Urgency.NORMAL)
    status = fields.CharEnumField(NeedStatus, max_length=10, default=NeedStatus.OPEN)
    status_changed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "financing_need"


class Product(Model):
    """产品库: a financial product of an institution, with its criteria in the language of DESIGN §4."""

    id = fields.IntField(primary_key=True)
    organization = fields.ForeignKeyField("matchmaker.Organization", related_name="products",
                                          on_delete=fields.CASCADE)
    name = fields.CharField(max_length=100)
    kind = fields.CharEnumField(FinancingKind, max_length=16)
    description = fields.TextField(default="")
    amount_rule = fields.JSONField(default=dict)  # see docs/formats.md
    term_min_months = fields.IntField(null=True)
    term_max_months = fields.IntField(null=True)
    rate_text = fields.CharField(max_length=200, default="")
    regions = fields.JSONField(default=list)  # "省/市/区" prefixes served; empty: everywhere
    industry_chains = fields.JSONField(default=list)
    policy_instruments = fields.JSONField(default=list)  # 贴息, 风险补偿资金池, 政府性融资担保, 保费补贴
    criteria = fields.JSONField(null=True)
    status = fields.CharEnumField(PublicationStatus, max_length=10, default=PublicationStatus.DRAFT)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "product"


class Policy(Model):
    """政策库: a subsidy or scheme kept by an organizer, matched like a product."""

    id = fields.IntField(primary_key=True)
    organization = fields.ForeignKeyField("matchmaker.Organization", related_name="policies",
                                          on_delete=fields.CASCADE)
    name = fields.CharField(max_length=100)
    instrument = fields.CharField(max_length=20)  # 贷款贴息 / 保费补贴 / 风险补偿 / 担保费补贴 …
    description = fields.TextField(default="")
    support = fields.CharField(max_length=200, default="")  # what it gives, e.g. 按 LPR 的 50% 贴息
    amount_rule = fields.JSONField(default=dict)
    regions = fields.JSONField(default=list)
    industry_chains = fields.JSONField(default=list)
    criteria = fields.JSONField(null=True)
    valid_from = fields.DateField(null=True)
    valid_until = fields.DateField(null=True)
    status = fields.CharEnumField(PublicationStatus, max_length=10, default=PublicationStatus.DRAFT)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "policy"


class PlatformRule(Model):
    """An organizer-wide rule (e.g. no 失信被执行人) that every product must also satisfy."""

    id = fields.IntField(primary_key=True)
    text = fields.CharField(max_length=200)
    criteria = fields.JSONField()
    applies_to_policies = fields.BooleanField(default=True)
    active = fields.BooleanField(default=True)
    created_by = fields.ForeignKeyField("matchmaker.Organization", related_name=False, on_delete=fields.CASCADE)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "platform_rule"


class ApiToken(Model):
    """A per-organization token for /api/v1/ (Authorization: Bearer …). Only its SHA-256 is stored."""

    id = fields.IntField(primary_key=True)
    organization = fields.ForeignKeyField("matchmaker.Organization", related_name="api_tokens",
                                          on_delete=fields.CASCADE)
    name = fields.CharField(max_length=60)
    token_hash = fields.CharField(max_length=64, unique=True)
    created_by = fields.ForeignKeyField("matchmaker.User", related_name=False, null=True, on_delete=fields.SET_NULL)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_token"


class ValueOrigin(StrEnum):
    SELF = "self"        # 企业自报: the enterprise's own form
    IMPORT = "import"    # 组织方导入: a file the organizer imported
    API = "api"          # through /api/v1/ with a token
    DERIVED = "derived"  # set by a stage of the platform (a first disbursement ends 首贷户)


class ProfileValueSource(Model):
    """Where the current value of one profile field came from, one row per field. A value the
    enterprise never filled in has no row, and a value emptied loses its row."""

    id = fields.IntField(primary_key=True)
    profile = fields.ForeignKeyField("matchmaker.EnterpriseProfile", related_name="sources", on_delete=fields.CASCADE)
    field = fields.CharField(max_length=80)  # a profile column key: tax_rating, qual.高新技术企业, custom.x
    origin = fields.CharEnumField(ValueOrigin, max_length=8)
    source = fields.CharField(max_length=120, default="")  # 税务数据, the token's name, the stage
    file_name = fields.CharField(max_length=200, default="")
    verified = fields.BooleanField(default=False)  # 已核验: imported from the department that holds it
    recorded_by = fields.ForeignKeyField("matchmaker.User", related_name=False, null=True, on_delete=fields.SET_NULL)
    recorded_at = fields.DatetimeField()

    class Meta:
        table = "profile_value_source"
        unique_together = (("profile", "field"),)



class ListKind(StrEnum):
    WHITE = "white"              # 白名单
    KEY_SUPPORT = "key_support"  # 重点支持名单
    RED = "red"                  # 守信红名单
    BLACK = "black"              # 失信黑名单
    LISTING_RESERVE = "listing_reserve"  # 挂牌上市后备企业库
    GOLDEN_SEED = "golden_seed"  # 金种子
    OTHER = "other"


class RegistryList(Model):
    """名单: a dated list of enterprises (by USCC) issued by a department, kept by an organizer.
    Criteria test membership as `list.<key>` on the as-of date (valid_from..valid_until)."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=40, unique=True)
    name = fields.CharField(max_length=100)
    kind = fields.CharEnumField(ListKind, max_length=16)
    issuer = fields.CharField(max_length=100, default="")
    source_document = fields.CharField(max_length=300, default="")  # 文号 / title of the notice
    source_file_name = fields.CharField(max_length=200, default="")
    source_file = fields.BinaryField(null=True)
    valid_from = fields.DateField(null=True)
    valid_until = fields.DateField(null=True)
    priority = fields.BooleanField(default=False)  # red lists: scheduling and ranking priority
    organization = fields.ForeignKeyField("matchmaker.Organization", related_name="registry_lists",
                                          on_delete=fields.CASCADE)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)  # touched on every member change (catalogue cache)

    class Meta:
        table = "registry_list"


class ListMember(Model):
    """One enterprise on a list, by its 统一社会信用代码 (it need not be registered on the platform)."""

    id = fields.IntField(primary_key=True)
    registry_list = fields.ForeignKeyField("matchmaker.RegistryList", related_name="members", on_delete=fields.CASCADE)
    uscc = fields.CharField(max_length=18, db_index=True)
    name = fields.CharField(max_length=100, default="")  # as printed on the list
    note = fields.CharField(max_length=200, default="")
    added_on = fields.DateField()

    class Meta:
        table = "list_member"
        unique_together = (("registry_list", "uscc"),)
