"""registry: profiles, needs, products, policies, custom fields and import/export (企业库·项目库·产品库·政策库)."""
