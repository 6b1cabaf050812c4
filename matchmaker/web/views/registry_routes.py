"""URLs of the registries (企业库·项目库·产品库·政策库), kept together so the main URL map stays short."""

from __future__ import annotations

from starlette.routing import Route

from matchmaker.web.views import catalog, enterprise, institution, needs, offer_forms

registry_routes = [
    Route("/profile", enterprise.profile_form, methods=["GET"], name="profile"),
    Route("/profile", enterprise.save_profile, methods=["POST"], name="save_profile"),
    Route("/profile/consents", enterprise.grant_consent, methods=["POST"], name="grant_consent"),
    Route("/profile/consents/{grant_id}/revoke", enterprise.revoke_consent, methods=["POST"], name="revoke_consent"),
    Route("/enterprises", enterprise.enterprise_list, name="enterprises"),
    Route("/enterprises/{enterprise_id}", enterprise.enterprise_detail, name="enterprise_detail"),
    Route("/needs", needs.need_list, methods=["GET"], name="needs"),
    Route("/needs", needs.create_need, methods=["POST"], name="create_need"),
    Route("/needs/new", needs.new_need_form, methods=["GET"], name="new_need"),
    Route("/needs/{need_id}", needs.edit_need_form, methods=["GET"], name="edit_need"),
    Route("/needs/{need_id}", needs.update_need, methods=["POST"], name="update_need"),
    Route("/needs/{need_id}/status", needs.change_status, methods=["POST"], name="need_status"),
    Route("/institution/products", institution.product_list, methods=["GET"], name="my_products"),
    Route("/institution/products", institution.create_product, methods=["POST"], name="create_product"),
    Route("/institution/products/new", institution.new_product_form, methods=["GET"], name="new_product"),
    Route("/institution/products/{product_id}", institution.edit_product_form, methods=["GET"], name="edit_product"),
    Route("/institution/products/{product_id}", institution.update_product, methods=["POST"], name="update_product"),
    Route("/institution/products/{product_id}/status", institution.change_status, methods=["POST"],
          name="product_status"),
    Route("/products/criteria-preview", offer_forms.criteria_preview, methods=["POST"], name="criteria_preview"),
    Route("/products", catalog.library, methods=["GET"], name="products"),
    Route("/products/{product_id}", catalog.product_detail, methods=["GET"], name="product_detail"),
]
