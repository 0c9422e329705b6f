"""setup matrix per machine

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 18:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ALTER TABLE (no batch copy: the machines' rows stay); existing machines get an empty matrix
    op.add_column('machines', sa.Column('setup_times', sa.JSON(), nullable=False, server_default='[]'))


def downgrade() -> None:
    op.drop_column('machines', 'setup_times')
