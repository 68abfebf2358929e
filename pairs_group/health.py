"""Health check for load balancers: is the database answering, and is Redis?

The database down is 503 (this server cannot serve anyone). Redis down is "degraded" but 200:
rate limits then live in each process's memory and everything else works, and Redis is shared,
so a 503 would make the balancer pull every server at once for an outage they all survive."""

import sqlalchemy as sa
from flask import Blueprint, current_app
from sqlalchemy.exc import SQLAlchemyError

from pairs_group.db import db
from pairs_group.limits import redis_status

bp = Blueprint("health", __name__)


def database_status():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return "unavailable"
    return "ok"


@bp.get("/healthz")
def healthz():
    database, redis = database_status(), redis_status(current_app)
    if database != "ok":
        return {"status": "unavailable", "database": database, "redis": redis}, 503
    status = "degraded" if redis == "unavailable" else "ok"
    return {"status": status, "database": database, "redis": redis}


def init_app(app):
    app.register_blueprint(bp)
