"""accounts: organizations, users, sessions, passwords, API tokens and PIPL consent."""
