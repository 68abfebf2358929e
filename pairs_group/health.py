"""Health check for load balancers: is the database answering?"""

import sqlalchemy as sa
from flask import Blueprint
from sqlalchemy.exc import SQLAlchemyError

from pairs_group.db import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable"}, 503
    return {"status": "ok"}


def init_app(app):
    app.register_blueprint(bp)
