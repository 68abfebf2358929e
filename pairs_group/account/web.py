"""The account blueprint: a parent's own pages (who may see them: access.py and auth/parents.py)."""

from flask import Blueprint

bp = Blueprint("account", __name__)
