"""questionnaire answered with help: a facilitator went through it with her (who helped, the
language spoken, how), and when she asked for help from her phone

Revision ID: 3bcf666f14c3
Revises: 3c5e8a1f9d27
Create Date: 2026-12-05 07:12:48.337187

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '3bcf666f14c3'
down_revision = '3c5e8a1f9d27'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('questionnaire_response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assisted', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column('helped_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('help_language', sa.String(length=40), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('help_kind', sa.Enum(
            'INTERPRETER', 'COLLEAGUE', 'FACILITATOR', name='helpkind', native_enum=False,
            length=20), nullable=True))
        batch_op.add_column(sa.Column('help_requested_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_questionnaire_response_helped_by_id_staff_user'), 'staff_user',
            ['helped_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('questionnaire_response', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_questionnaire_response_helped_by_id_staff_user'),
                                 type_='foreignkey')
        batch_op.drop_column('help_requested_at')
        batch_op.drop_column('help_kind')
        batch_op.drop_column('help_language')
        batch_op.drop_column('helped_by_id')
        batch_op.drop_column('assisted')
