"""Questionnaires: before/after outcome measures, licence-aware, scored on submit."""
