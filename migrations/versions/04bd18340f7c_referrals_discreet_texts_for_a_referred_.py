"""referrals: discreet texts for a referred family (the professional can ask that her
invitation and reminder name no service; kept on her account when she joins)

Revision ID: 04bd18340f7c
Revises: 7a39716998fa
Create Date: 2026-12-05 07:11:41.845353

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '04bd18340f7c'
down_revision = '7a39716998fa'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.add_column(sa.Column('discreet_sms', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_column('discreet_sms')

