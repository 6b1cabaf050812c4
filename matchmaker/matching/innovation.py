"""科创积分: an innovation score (0–100) from R&D, IP by class, talent and qualifications.

Each component earns points up to its cap; the caps of the defaults add up to 100. The app
loads the weights from config.toml `[matching.innovation_weights]` (keys = the field names of
`InnovationWeights`, documented in docs/formats.md) through `InnovationWeights.from_mapping`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from types import MappingProxyType
from typing import Any

from matchmaker.matching.fields import IP_CLASS1, IP_CLASS2, held_qualifications
from matchmaker.matching.model import EnterpriseProfile

#: keys are the qualification names profiles hold (services/registry/profiles.QUALIFICATIONS)
DEFAULT_QUALIFICATION_POINTS: Mapping[str, float] = MappingProxyType({
    "高新技术企业": 8.0,
    "科技型中小企业": 3.0,
    "创新型中小企业": 2.0,
    "专精特新中小企业": 6.0,
    "专精特新“小巨人”企业": 10.0,
    "瞪羚企业": 5.0,
    "制造业单项冠军": 10.0,
})


@dataclass(frozen=True)
class InnovationWeights:
    """Points and caps of the 科创积分. Ratios are percent; `*_full` earns the full points."""

    rd_ratio_points: float = 20.0
    rd_ratio_full: float = 10.0  # R&D spending of 10% of revenue earns all 20 points
    rd_staff_points: float = 10.0
    rd_staff_full: float = 30.0
    class1_ip_each: float = 4.0  # 发明专利, 集成电路布图设计, 植物新品种
    class1_ip_cap: float = 25.0
    class2_ip_each: float = 1.0  # 实用新型, 外观设计, 软件著作权
    class2_ip_cap: float = 10.0
    phd_each: float = 2.0
    high_level_talent_each: float = 4.0
    talent_cap: float = 15.0
    qualification_points: Mapping[str, float] = field(default_factory=lambda: DEFAULT_QUALIFICATION_POINTS)
    qualification_cap: float = 20.0

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> InnovationWeights:
        """Weights from a config table; unknown keys or non-numbers raise ValueError (Chinese)."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise ValueError(f"[matching.innovation_weights] 未知的键: {', '.join(unknown)}")
        values: dict[str, Any] = {}
        for key, value in raw.items():
            if key == "qualification_points":
                if not isinstance(value, Mapping) or not all(_is_number(v) for v in value.values()):
                    raise ValueError("qualification_points 应为 资质名 = 分值 的表")
                values[key] = MappingProxyType({str(k): float(v) for k, v in value.items()})
            elif not _is_number(value) or value < 0:
                raise ValueError(f"[matching.innovation_weights] {key} 应为非负数")
            else:
                values[key] = float(value)
        return cls(**values)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass(frozen=True)
class InnovationScore:
    """The 科创积分 with the points of each component (for the enterprise's page)."""

    total: float
    rd_ratio: float
    rd_staff_ratio: float
    ip_class1: float
    ip_class2: float
    talent: float
    qualifications: float


def _share(value: float | None, full: float, points: float) -> float:
    if value is None or full <= 0:
        return 0.0
    return points * min(max(value, 0.0) / full, 1.0)


def _count(e: EnterpriseProfile, names: tuple[str, ...]) -> int:
    return sum(getattr(e, name) or 0 for name in names)


def innovation_score(e: EnterpriseProfile, as_of: date, weights: InnovationWeights = InnovationWeights()) -> InnovationScore:
    """The enterprise's 科创积分 on `as_of` (missing data earns no points; total capped at 100)."""
    rd = _share(e.rd_ratio, weights.rd_ratio_full, weights.rd_ratio_points)
    staff = _share(e.rd_staff_ratio, weights.rd_staff_full, weights.rd_staff_points)
    class1 = min(_count(e, IP_CLASS1) * weights.class1_ip_each, weights.class1_ip_cap)
    class2 = min(_count(e, IP_CLASS2) * weights.class2_ip_each, weights.class2_ip_cap)
    talent = min((e.phd_count or 0) * weights.phd_each
                 + (e.high_level_talent_count or 0) * weights.high_level_talent_each, weights.talent_cap)
    held = held_qualifications(e, as_of)
    quals = min(sum(weights.qualification_points.get(name, 0.0) for name in sorted(held)), weights.qualification_cap)
    total = min(rd + staff + class1 + class2 + talent + quals, 100.0)
    return InnovationScore(round(total, 2), round(rd, 2), round(staff, 2), round(class1, 2), round(class2, 2),
                           round(talent, 2), round(quals, 2))
