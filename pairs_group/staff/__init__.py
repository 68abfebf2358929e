"""Staff accounts looked after by admins: the list, adding a person, their role and groups."""
