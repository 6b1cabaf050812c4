"""Pages of the registry domain: profiles, needs, products, the library, policies, import/export."""
