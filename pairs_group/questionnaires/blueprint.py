"""The questionnaires blueprint, shared by the parent's pages and the staff pages."""

from flask import Blueprint

bp = Blueprint("questionnaires", __name__)
