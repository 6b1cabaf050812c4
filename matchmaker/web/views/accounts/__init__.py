"""Pages of the accounts domain: home, sign-in, account, API tokens, dashboards, audit."""
