"""parent session version: raised at sign-out, so every copy of her session and remember-me
cookies stops working at once (staff_user has had one since the initial schema)

Revision ID: 7a788aa03b77
Revises: 8586392a7790
Create Date: 2026-12-04 17:05:14.319754

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7a788aa03b77'
down_revision = '8586392a7790'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('parent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='1',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('parent', schema=None) as batch_op:
        batch_op.drop_column('session_version')
