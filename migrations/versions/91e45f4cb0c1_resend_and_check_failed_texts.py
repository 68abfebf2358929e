"""texts staff act on: a text sent again points back to the one that failed (once only), and
who checked an "unknown" text, and when

Revision ID: 91e45f4cb0c1
Revises: 04a096fbf003
Create Date: 2026-12-05 07:08:27.261900

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '91e45f4cb0c1'
down_revision = '04a096fbf003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resent_from_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('checked_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('checked_by_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_outbox_message_resent_from_id'),
                                          ['resent_from_id'])
        batch_op.create_foreign_key(
            batch_op.f('fk_outbox_message_resent_from_id_outbox_message'), 'outbox_message',
            ['resent_from_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_outbox_message_checked_by_id_staff_user'),
                                    'staff_user', ['checked_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_message_checked_by_id_staff_user'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_outbox_message_resent_from_id_outbox_message'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_outbox_message_resent_from_id'), type_='unique')
        batch_op.drop_column('checked_by_id')
        batch_op.drop_column('checked_at')
        batch_op.drop_column('resent_from_id')
