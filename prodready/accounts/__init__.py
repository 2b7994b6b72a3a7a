"""Users, organisations, roles, sign-in sessions and API keys."""
