"""plans

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 13:41:19.205108
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('origin', sa.DateTime(), nullable=False),
    sa.Column('horizon_min', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=40), nullable=False),
    sa.Column('method', sa.String(length=40), nullable=False),
    sa.Column('time_limit_s', sa.Float(), nullable=False),
    sa.Column('elapsed_s', sa.Float(), nullable=False),
    sa.Column('first_plan_s', sa.Float(), nullable=False),
    sa.Column('late_jobs', sa.Integer(), nullable=False),
    sa.Column('tardiness_min', sa.Integer(), nullable=False),
    sa.Column('setup_min', sa.Integer(), nullable=False),
    sa.Column('flow_time_min', sa.Integer(), nullable=False),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('unplanned', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plans'))
    )
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plans_is_current'), ['is_current'], unique=False)

    op.create_table('plan_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('job_key', sa.String(length=80), nullable=False),
    sa.Column('order_number', sa.String(length=40), nullable=False),
    sa.Column('due', sa.DateTime(), nullable=False),
    sa.Column('completion', sa.DateTime(), nullable=False),
    sa.Column('tardiness_min', sa.Integer(), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_plan_jobs_plan_id_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_jobs')),
    sa.UniqueConstraint('plan_id', 'job_key', name='uq_plan_jobs_key')
    )
    with op.batch_alter_table('plan_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_jobs_plan_id'), ['plan_id'], unique=False)

    op.create_table('plan_operations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('op_key', sa.String(length=120), nullable=False),
    sa.Column('job_key', sa.String(length=80), nullable=False),
    sa.Column('order_number', sa.String(length=40), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('work_center_type', sa.String(length=20), nullable=False),
    sa.Column('label', sa.String(length=500), nullable=False),
    sa.Column('machine_id', sa.Integer(), nullable=True),
    sa.Column('operator_id', sa.Integer(), nullable=True),
    sa.Column('start', sa.DateTime(), nullable=False),
    sa.Column('end', sa.DateTime(), nullable=False),
    sa.Column('setup_min', sa.Integer(), nullable=False),
    sa.CheckConstraint('"end" >= start', name=op.f('ck_plan_operations_end_not_before_start')),
    sa.ForeignKeyConstraint(['machine_id'], ['machines.id'], name=op.f('fk_plan_operations_machine_id_machines'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['operator_id'], ['operators.id'], name=op.f('fk_plan_operations_operator_id_operators'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_plan_operations_plan_id_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_operations')),
    sa.UniqueConstraint('plan_id', 'op_key', name='uq_plan_operations_key')
    )
    with op.batch_alter_table('plan_operations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_operations_machine_id'), ['machine_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_operations_order_number'), ['order_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_operations_plan_id'), ['plan_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('plan_operations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_operations_plan_id'))
        batch_op.drop_index(batch_op.f('ix_plan_operations_order_number'))
        batch_op.drop_index(batch_op.f('ix_plan_operations_machine_id'))

    op.drop_table('plan_operations')
    with op.batch_alter_table('plan_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_jobs_plan_id'))

    op.drop_table('plan_jobs')
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plans_is_current'))

    op.drop_table('plans')
