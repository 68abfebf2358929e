"""referrals: a professional refers a family, who is invited by text to sign up (issue 19);
a short link may now belong to a referral's invitation instead of a parent

Revision ID: 7a39716998fa
Revises: ba91f9665724
Create Date: 2026-12-05 07:07:51.844913

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7a39716998fa'
down_revision = 'ba91f9665724'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('referral',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('NEW', 'INVITED', 'JOINED', 'DECLINED', 'LAPSED', 'NOT_ELIGIBLE', name='referralstatus', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('referrer_name', sa.String(length=120), nullable=False),
    sa.Column('referrer_role', sa.String(length=30), nullable=False),
    sa.Column('referrer_team', sa.String(length=160), nullable=False),
    sa.Column('referrer_email', sa.String(length=254), nullable=False),
    sa.Column('referrer_phone', sa.String(length=20), nullable=False),
    sa.Column('tell_referrer', sa.Boolean(), nullable=False),
    sa.Column('consent_confirmed', sa.Boolean(), nullable=False),
    sa.Column('first_name', sa.String(length=120), nullable=False),
    sa.Column('mobile', sa.String(length=20), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('baby_date_of_birth', sa.Date(), nullable=True),
    sa.Column('baby_due_date', sa.Date(), nullable=True),
    sa.Column('postcode', sa.String(length=10), nullable=False),
    sa.Column('interpreter_needed', sa.Boolean(), nullable=False),
    sa.Column('interpreter_language', sa.String(length=60), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('invited_at', sa.DateTime(), nullable=True),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.Column('contacted_at', sa.DateTime(), nullable=True),
    sa.Column('joined_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('outcome_by_id', sa.Integer(), nullable=True),
    sa.Column('referrer_told_at', sa.DateTime(), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['outcome_by_id'], ['staff_user.id'], name=op.f('fk_referral_outcome_by_id_staff_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['parent_id'], ['parent.id'], name=op.f('fk_referral_parent_id_parent'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral'))
    )
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_mobile'), ['mobile'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_referrer_role'), ['referrer_role'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_status'), ['status'], unique=False)

    with op.batch_alter_table('short_link', schema=None) as batch_op:
        batch_op.add_column(sa.Column('referral_id', sa.Integer(), nullable=True))
        batch_op.alter_column('parent_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_short_link_referral_id'), ['referral_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_short_link_referral_id_referral'), 'referral', ['referral_id'], ['id'], ondelete='CASCADE')



def downgrade():
    op.execute("DELETE FROM short_link WHERE parent_id IS NULL")  # invitations' links
    with op.batch_alter_table('short_link', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_short_link_referral_id_referral'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_short_link_referral_id'))
        batch_op.alter_column('parent_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('referral_id')

    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_status'))
        batch_op.drop_index(batch_op.f('ix_referral_referrer_role'))
        batch_op.drop_index(batch_op.f('ix_referral_parent_id'))
        batch_op.drop_index(batch_op.f('ix_referral_mobile'))
        batch_op.drop_index(batch_op.f('ix_referral_created_at'))

    op.drop_table('referral')
