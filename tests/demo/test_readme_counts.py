"""The README's demo figures are the loaded demo's: each number is read from the README's
'Demo logins' paragraph and counted in the database."""

from __future__ import annotations

import re

from matchmaker.config import PROJECT_ROOT
from matchmaker.demo.city import load_demo
from matchmaker.models import (
    EnterpriseProfile,
    Event,
    EventKind,
    EventStatus,
    FinancingNeed,
    ListMember,
    MeetingRequest,
    Organization,
    Pitch,
    PlatformRule,
    Policy,
    Product,
    Registration,
    RegistryList,
)

PATTERNS = {
    "enterprises": r"(\d+) enterprises with profiles",
    "needs": r"(\d+) needs across",
    "chains": r"across (\w+) industry chains",
    "institutions": r"(\d+) institutions with",
    "products": r"with (\d+)\s+products",
    "policies": r"(\d+) policies",
    "rules": r"(\d+) platform rules",
    "lists": r"(\d+) lists \(名单\)",
    "members": r"lists \(名单\) with (\d+) members",
    "docking_enterprises": r"docking event \((\d+) enterprises",
    "docking_institutions": r"(\d+) institutions, \d+\s+meeting requests",
    "docking_requests": r"(\d+)\s+meeting requests",
    "pitches": r"roadshow \((\d+) pitches",
    "investors": r"(\d+) investors\)",
}
WORDS = {"ten": 10}


def _readme_figures() -> dict[str, int]:
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    paragraph = text[text.index("## Demo logins"):text.index("| role |")]
    figures = {}
    for key, pattern in PATTERNS.items():
        found = re.search(pattern, paragraph)
        assert found, f"README no longer says {key}"
        figures[key] = int(WORDS.get(found.group(1), found.group(1)))
    return figures


async def test_readme_demo_counts_match_the_database(db, settings):
    await load_demo(settings.var_dir)
    docking = await Event.get(kind=EventKind.DOCKING, status__not=EventStatus.CLOSED)  # not last month's
    roadshow = await Event.get(kind=EventKind.ROADSHOW, status__not=EventStatus.CLOSED)
    chains = {chain for profile in await EnterpriseProfile.all() for chain in profile.industry_chains}

    assert _readme_figures() == {
        "enterprises": await EnterpriseProfile.all().count(), "needs": await FinancingNeed.all().count(),
        "chains": len(chains),
        "institutions": await Organization.filter(kind__not_in=["enterprise", "government"]).count(),
        "products": await Product.all().count(), "policies": await Policy.all().count(),
        "rules": await PlatformRule.all().count(),
        "lists": await RegistryList.all().count(), "members": await ListMember.all().count(),
        "docking_enterprises": await Registration.filter(event=docking, organization__kind="enterprise").count(),
        "docking_institutions": await Registration.filter(event=docking).exclude(organization__kind="enterprise").count(),
        "docking_requests": await MeetingRequest.filter(event=docking).count(),
        "pitches": await Pitch.filter(event=roadshow).exclude(plan_path="").count(),
        "investors": await Registration.filter(event=roadshow, organization__kind="investor").count(),
    }
