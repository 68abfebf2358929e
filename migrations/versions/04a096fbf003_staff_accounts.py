"""staff accounts: when each person last signed in, and the one-time set-up link an admin
gives a new member of staff (only its SHA-256 is stored)

Revision ID: 04a096fbf003
Revises: d820bd667a05
Create Date: 2026-12-05 03:21:31.725070

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '04a096fbf003'
down_revision = 'd820bd667a05'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_signed_in_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('set_up_token_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('set_up_expires_at', sa.DateTime(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_staff_user_set_up_token_hash'),
                                          ['set_up_token_hash'])


def downgrade():
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_staff_user_set_up_token_hash'), type_='unique')
        batch_op.drop_column('set_up_expires_at')
        batch_op.drop_column('set_up_token_hash')
        batch_op.drop_column('last_signed_in_at')
