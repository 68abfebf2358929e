"""Staff accounts and sign-in; the sign-in machinery parents share."""
