"""pins a plan had to drop (the planner fixed an operation by hand and a later change made it impossible)

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


def downgrade() -> None:
    op.drop_column('plans', 'dropped_pins')
