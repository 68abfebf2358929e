"""heard_from becomes the referral source: "who suggested Together Time to you?" answers the
referrers' roles plus "I found it myself" and "a friend or family member"; "social media" goes
(she found it herself), also in sign-ups still in progress

Revision ID: 3c5e8a1f9d27
Revises: 5c1e7a9b3d20
Create Date: 2026-12-05 07:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '3c5e8a1f9d27'
down_revision = '5c1e7a9b3d20'
branch_labels = None
depends_on = None

# Old code -> new code (every other old code is kept: midwife, health_visitor,
# childrens_centre, gp, friend_or_family, other, prefer_not_to_say).
UPGRADE = {"social_media": "myself"}
# New codes the old list did not have -> the old code nearest in meaning.
DOWNGRADE = {"myself": "social_media", "mental_health": "other", "social_care": "other"}

about_you = sa.table("about_you", sa.column("heard_from", sa.String(30)))
pending = sa.table("pending_sign_up", sa.column("id", sa.Integer),
                   sa.column("answers", sa.JSON))


def _remap(mapping):
    for old, new in mapping.items():
        op.execute(about_you.update().where(about_you.c.heard_from == old)
                   .values(heard_from=new))
    connection = op.get_bind()
    for row in connection.execute(sa.select(pending.c.id, pending.c.answers)).all():
        answers = dict(row.answers or {})
        changed = False
        for holder in (answers, answers.get("about_you")):
            if isinstance(holder, dict) and holder.get("heard_from") in mapping:
                holder["heard_from"] = mapping[holder["heard_from"]]
                changed = True
        if changed:
            connection.execute(pending.update().where(pending.c.id == row.id)
                               .values(answers=answers))


def upgrade():
    _remap(UPGRADE)


def downgrade():
    _remap(DOWNGRADE)
