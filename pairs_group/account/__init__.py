"""A parent's own account: sign-in with a code, her schedule, calendar, settings and data."""
