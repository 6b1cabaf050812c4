"""HTTP layer: routes, views per audience, forms -> dataclasses, auth, csrf, i18n."""
