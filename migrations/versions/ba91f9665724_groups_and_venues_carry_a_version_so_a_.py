"""groups and venues carry a version, so a second admin's edit over one she has not seen is
refused

Revision ID: ba91f9665724
Revises: 91e45f4cb0c1
Create Date: 2026-12-05 07:09:16.381171

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'ba91f9665724'
down_revision = '91e45f4cb0c1'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('group', 'venue'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1',
                                          nullable=False))


def downgrade():
    for table in ('venue', 'group'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
