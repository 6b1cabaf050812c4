"""URL map. GET never changes state; every unsafe method is CSRF-checked by the app's middleware."""

from __future__ import annotations

from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from matchmaker.web.templating import STATIC_DIR
from matchmaker.web.views import accounts, dashboard, matching, organizer, outbox, public
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
    Route("/enterprise/matches", matching.enterprise_matches, name="enterprise_matches"),
    Route("/enterprise/needs/{need_id}/matches", matching.enterprise_need_matches, name="enterprise_need_matches"),
    Route("/enterprise/innovation", matching.enterprise_innovation, name="enterprise_innovation"),
    Route("/enterprise/claims/{claim_id}/answer", matching.enterprise_answer_claim, methods=["POST"],
          name="enterprise_answer_claim"),
    Route("/institution/matches", matching.institution_matches, name="institution_matches"),
    Route("/institution/products/{product_id}/matches", matching.institution_product_matches,
          name="institution_product_matches"),
    Route("/institution/products/{product_id}/claims", matching.institution_claim, methods=["POST"],
          name="institution_claim"),
    Route("/organizer/matching", matching.organizer_matching, name="organizer_matching"),
    Route("/organizer/outbox", outbox.outbox_page, name="outbox"),
    Route("/organizer/outbox/resend-failed", outbox.resend_failed, methods=["POST"], name="outbox_resend_failed"),
    Route("/organizer/outbox/{mail_id:int}", outbox.message_page, name="outbox_message"),
    Route("/organizer/outbox/{mail_id:int}/body.html", outbox.message_body, name="outbox_message_body"),
    Route("/organizer/outbox/{mail_id:int}/message.eml", outbox.message_eml, name="outbox_message_eml"),
    Route("/organizer/outbox/{mail_id:int}/resend", outbox.resend_one, methods=["POST"], name="outbox_resend"),
    *registry_routes,
    Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
]
