"""Dashboard users: roles, passwords, logins with a session cookie, and who may do what."""
