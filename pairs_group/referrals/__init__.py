"""Referrals: a professional refers a family, the family is invited by text to sign up."""
