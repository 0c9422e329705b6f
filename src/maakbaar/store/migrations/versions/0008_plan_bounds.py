"""what no plan can avoid: per plan the unavoidable minutes late and the machines late orders must share,
per job the earliest completion

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 00:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # nullable: plans stored before this revision have no bound
    op.add_column('plans', sa.Column('unavoidable_tardiness_min', sa.Integer(), nullable=True))
    # machines late orders must share: [{"machine", "orders", "minutes"}]
    op.add_column('plans', sa.Column('shared_machines', sa.JSON(), nullable=False, server_default='[]'))
    op.add_column('plan_jobs', sa.Column('earliest', sa.DateTime(), nullable=True))


def downgrade() -> None:
    op.drop_column('plan_jobs', 'earliest')
    op.drop_column('plans', 'shared_machines')
    op.drop_column('plans', 'unavoidable_tardiness_min')
