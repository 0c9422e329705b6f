"""pins a plan had to drop (the planner fixed an operation by hand and a later change made it impossible);
log-in attempts per user (a lockout an admin can lift) and a session version (log-out and a password change
end the user's sessions)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 23:55:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # [{"operation", "order", "reason", "detail"}]; reason is a code: off_calendar, taken, precedence, ...
    op.add_column('plans', sa.Column('dropped_pins', sa.JSON(), nullable=False, server_default='[]'))
    op.add_column('users', sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
    op.add_column('users', sa.Column('locked_until', sa.DateTime(), nullable=True))
    op.add_column('users', sa.Column('session_version', sa.Integer(), nullable=False, server_default='1'))


def downgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.drop_column('session_version')
        batch.drop_column('locked_until')
        batch.drop_column('failed_logins')
    op.drop_column('plans', 'dropped_pins')
