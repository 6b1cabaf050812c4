"""Chinese names of the keys the statistics group by (pages, workbooks and 通报 share them)."""

from __future__ import annotations

STAGE_LABELS = {"contact": "已对接", "intent": "有意向", "accepted": "已受理", "approved": "已授信",
                "disbursed": "已放款", "declined": "未通过", "withdrawn": "企业放弃"}
INSTITUTION_KIND_LABELS = {"bank": "银行", "guarantor": "融资担保", "insurer": "保险", "leasing": "融资租赁",
                           "small_loan": "小额贷款", "investor": "投资机构", "intermediary": "中介机构"}
FINANCING_KIND_LABELS = {"credit_loan": "信用贷款", "ip_pledge_loan": "知识产权质押贷款",
                         "guaranteed_loan": "担保贷款", "equity": "股权融资", "insurance": "科技保险",
                         "leasing": "融资租赁", "bond": "债券融资"}
CONFIRMATION_LABELS = {"confirmed": "双方确认", "pending": "单方填报", "disputed": "存在异议"}
MEETING_STATE_LABELS = {"planned": "计划", "held": "已洽谈", "no_show": "缺席", "cancelled": "已取消"}
DIMENSION_LABELS = {"institution": "分机构", "institution_kind": "分机构类型", "product_kind": "分产品类型",
                    "district": "分区县", "chain": "分产业链", "size_class": "分企业规模", "first_loan": "首贷户"}
UNKNOWN = "未填写"
