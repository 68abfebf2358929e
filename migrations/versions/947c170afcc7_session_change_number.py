"""session change number: raised by every cancel or move, so texts about changes are keyed by
the change and a move back to an earlier time is told too

Revision ID: 947c170afcc7
Revises: 7a788aa03b77
Create Date: 2026-12-05 03:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '947c170afcc7'
down_revision = '7a788aa03b77'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('group_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('change_number', sa.Integer(), server_default='0',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('group_session', schema=None) as batch_op:
        batch_op.drop_column('change_number')
