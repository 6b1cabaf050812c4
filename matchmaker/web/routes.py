"""URL map. GET never changes state; every unsafe method is CSRF-checked by the app's middleware."""

from __future__ import annotations

from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from matchmaker.web.templating import STATIC_DIR
from matchmaker.web.views import accounts, dashboard, organizer, public
from matchmaker.web.views.registry_routes import registry_routes

routes = [
    Route("/", public.home, name="home"),
    Route("/healthz", public.health, name="health"),
    Route("/language", public.choose_language, methods=["POST"], name="language"),
    Route("/login", accounts.login_form, methods=["GET"], name="login_form"),
    Route("/login", accounts.login, methods=["POST"], name="login"),
    Route("/logout", accounts.logout, methods=["POST"], name="logout"),
    Route("/register", accounts.register_form, methods=["GET"], name="register_form"),
    Route("/register", accounts.register, methods=["POST"], name="register"),
    Route("/dashboard", dashboard.dashboard, name="dashboard"),
    Route("/account", accounts.account_page, methods=["GET"], name="account"),
    Route("/account/password", accounts.change_password, methods=["POST"], name="change_password"),
    Route("/account/invitations", accounts.invite, methods=["POST"], name="invite"),
    Route("/account/members/{membership_id}/role", accounts.change_member_role, methods=["POST"],
          name="change_member_role"),
    Route("/account/members/{membership_id}/remove", accounts.remove_member, methods=["POST"], name="remove_member"),
    Route("/invitations/{token}", accounts.invitation_form, methods=["GET"], name="invitation_form"),
    Route("/invitations/{token}", accounts.accept_invitation, methods=["POST"], name="accept_invitation"),
    Route("/organizer/accounts/new", organizer.new_account_form, methods=["GET"], name="new_account_form"),
    Route("/organizer/accounts", organizer.create_account, methods=["POST"], name="create_account"),
    Route("/organizer/audit", organizer.audit_trail, name="audit_trail"),
    *registry_routes,
    Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
]
