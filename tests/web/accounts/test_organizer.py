"""Organizer tools: accounts created on someone's behalf and the audit trail."""

from __future__ import annotations

from matchmaker.models import AuditLog, Organization
from tests.conftest import PASSWORD, next_uscc


async def test_organizer_creates_an_enterprise_account(client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    await client.login(organizer.email)
    uscc = next_uscc()

    response = await client.submit("/organizer/accounts", {
        "kind": "enterprise", "organization_name": "线下报名科技有限公司", "uscc": uscc, "admin_name": "赵老板",
        "email": "offline@example.cn", "password": PASSWORD,
    })

    assert response.status_code == 303
    assert (await Organization.get(uscc=uscc)).name == "线下报名科技有限公司"
    row = await AuditLog.get(action="organization.register", object_id=str((await Organization.get(uscc=uscc)).id))
    assert row.actor_id == organizer.id
    assert row.after["by_organizer"] is True


async def test_audit_trail_lists_actions_newest_first(client, make_organization):
    organizer = await make_organization("government", is_organizer=True, name="星河市科学技术局")
    await make_organization(name="被审计的企业")
    await client.login(organizer.email)

    page = await client.get("/organizer/audit?action=organization.")

    assert page.status_code == 200
    assert page.text.index("被审计的企业") < page.text.index("星河市科学技术局")
    assert "user.login" not in page.text.split("<tbody>")[1]
