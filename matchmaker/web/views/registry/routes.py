"""URLs of the registries (企业库·项目库·产品库·政策库), kept together so the main URL map stays short."""

from __future__ import annotations

from starlette.routing import Route

from matchmaker.web.api import api_routes
from matchmaker.web.views.registry.lists_api import api_list_routes
from matchmaker.web.views.registry import catalog, needs, offer_forms
from matchmaker.web.views.registry import io as registry_io
from matchmaker.web.views.registry import lists as registry_lists
from matchmaker.web.views.registry import organizer as organizer_registry
from matchmaker.web.views.registry import products, profiles
from matchmaker.web.views.accounts import api_tokens as api_tokens_view

registry_routes = [
    Route("/profile", profiles.profile_form, methods=["GET"], name="profile"),
    Route("/profile", profiles.save_profile, methods=["POST"], name="save_profile"),
    Route("/profile/consents", profiles.grant_consent, methods=["POST"], name="grant_consent"),
    Route("/profile/consents/{grant_id}/revoke", profiles.revoke_consent, methods=["POST"], name="revoke_consent"),
    Route("/enterprises", profiles.enterprise_list, name="enterprises"),
    Route("/enterprises/{enterprise_id}", profiles.enterprise_detail, name="enterprise_detail"),
    Route("/needs", needs.need_list, methods=["GET"], name="needs"),
    Route("/needs", needs.create_need, methods=["POST"], name="create_need"),
    Route("/needs/new", needs.new_need_form, methods=["GET"], name="new_need"),
    Route("/needs/{need_id}", needs.edit_need_form, methods=["GET"], name="edit_need"),
    Route("/needs/{need_id}", needs.update_need, methods=["POST"], name="update_need"),
    Route("/needs/{need_id}/status", needs.change_status, methods=["POST"], name="need_status"),
    Route("/institution/products", products.product_list, methods=["GET"], name="my_products"),
    Route("/institution/products", products.create_product, methods=["POST"], name="create_product"),
    Route("/institution/products/new", products.new_product_form, methods=["GET"], name="new_product"),
    Route("/institution/products/{product_id}", products.edit_product_form, methods=["GET"], name="edit_product"),
    Route("/institution/products/{product_id}", products.update_product, methods=["POST"], name="update_product"),
    Route("/institution/products/{product_id}/status", products.change_status, methods=["POST"],
          name="product_status"),
    Route("/products/criteria-preview", offer_forms.criteria_preview, methods=["POST"], name="criteria_preview"),
    Route("/products", catalog.library, methods=["GET"], name="products"),
    Route("/products/{product_id}", catalog.product_detail, methods=["GET"], name="product_detail"),
    Route("/organizer/policies", organizer_registry.policy_list, methods=["GET"], name="policies"),
    Route("/organizer/policies", organizer_registry.save_policy, methods=["POST"], name="create_policy"),
    Route("/organizer/policies/new", organizer_registry.new_policy_form, methods=["GET"], name="new_policy"),
    Route("/organizer/policies/{policy_id}", organizer_registry.edit_policy_form, methods=["GET"], name="edit_policy"),
    Route("/organizer/policies/{policy_id}", organizer_registry.save_policy, methods=["POST"], name="update_policy"),
    Route("/organizer/policies/{policy_id}/status", organizer_registry.policy_status, methods=["POST"],
          name="policy_status"),
    Route("/organizer/registry", organizer_registry.registry_settings, methods=["GET"], name="registry_settings"),
    Route("/organizer/custom-fields", organizer_registry.define_custom_field, methods=["POST"],
          name="define_custom_field"),
    Route("/organizer/custom-fields/{field_id}", organizer_registry.edit_custom_field_form, methods=["GET"],
          name="edit_custom_field"),
    Route("/organizer/custom-fields/{field_id}", organizer_registry.update_custom_field, methods=["POST"],
          name="update_custom_field"),
    Route("/organizer/platform-rules", organizer_registry.save_platform_rule, methods=["POST"],
          name="create_platform_rule"),
    Route("/organizer/platform-rules/{rule_id}", organizer_registry.edit_platform_rule, methods=["GET"],
          name="edit_platform_rule"),
    Route("/organizer/platform-rules/{rule_id}", organizer_registry.save_platform_rule, methods=["POST"],
          name="update_platform_rule"),
    *api_routes,
    *(Route(path, handler, methods=methods) for path, handler, methods in api_list_routes),
    Route("/account/api-tokens", api_tokens_view.token_page, methods=["GET"], name="api_tokens"),
    Route("/account/api-tokens", api_tokens_view.issue, methods=["POST"], name="issue_api_token"),
    Route("/account/api-tokens/{token_id}/revoke", api_tokens_view.revoke, methods=["POST"], name="revoke_api_token"),
    Route("/organizer/lists", registry_lists.list_index, methods=["GET"], name="lists"),
    Route("/organizer/lists", registry_lists.save_list, methods=["POST"], name="create_list"),
    Route("/organizer/lists/new", registry_lists.new_list_form, methods=["GET"], name="new_list"),
    Route("/organizer/lists/template", registry_lists.members_template, methods=["GET"], name="list_template"),
    Route("/organizer/lists/{list_id}", registry_lists.list_detail, methods=["GET"], name="list_detail"),
    Route("/organizer/lists/{list_id}/edit", registry_lists.edit_list_form, methods=["GET"], name="edit_list"),
    Route("/organizer/lists/{list_id}/edit", registry_lists.save_list, methods=["POST"], name="update_list"),
    Route("/organizer/lists/{list_id}/members", registry_lists.import_members, methods=["POST"],
          name="import_list_members"),
    Route("/organizer/lists/{list_id}/members.xlsx", registry_lists.export_members, methods=["GET"],
          name="export_list_members"),
    Route("/organizer/lists/{list_id}/source", registry_lists.source_file, methods=["GET"], name="list_source"),
    Route("/organizer/lists/{list_id}/delete", registry_lists.delete_form, methods=["GET"], name="delete_list_form"),
    Route("/organizer/lists/{list_id}/delete", registry_lists.delete_list, methods=["POST"], name="delete_list"),
    Route("/organizer/import", registry_io.import_page, methods=["GET"], name="import_page"),
    Route("/organizer/import", registry_io.upload, methods=["POST"], name="import_upload"),
    Route("/organizer/import/{kind}/template", registry_io.template, methods=["GET"], name="import_template"),
    Route("/organizer/export/{kind}/{fmt}", registry_io.download, methods=["GET"], name="export"),
]
