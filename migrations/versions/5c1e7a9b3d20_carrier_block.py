"""carrier block: a parent's number blocked at the provider (she texted it STOP, or a text failed
with Twilio 21610) is recorded apart from her own choice in the app, and each opt-out event says
whether the provider blocked or unblocked the number too

Revision ID: 5c1e7a9b3d20
Revises: 04bd18340f7c
Create Date: 2026-12-05 07:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5c1e7a9b3d20'
down_revision = '04bd18340f7c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('parent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sms_carrier_blocked_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('sms_opt_out_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('at_carrier', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('sms_opt_out_event', schema=None) as batch_op:
        batch_op.drop_column('at_carrier')
    with op.batch_alter_table('parent', schema=None) as batch_op:
        batch_op.drop_column('sms_carrier_blocked_at')
