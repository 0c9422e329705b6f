"""why a planned job is late, kept as a reason code with its values (maakbaar.reasons) instead of English and
Dutch sentences in two columns: every reader gets it in his own language; the language a customer's documents
go out in (empty: by the customer's country)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 09:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

JOBS = sa.table('plan_jobs', sa.column('id', sa.Integer), sa.column('explanation', sa.Text),
                sa.column('explanation_nl', sa.Text), sa.column('late_reason', sa.JSON))


def upgrade() -> None:
    op.add_column('plan_jobs', sa.Column('late_reason', sa.JSON(), nullable=True))
    connection = op.get_bind()
    # plans made before: their sentence is kept as it was written (Dutch when there was one) under code "text"
    rows = connection.execute(sa.select(JOBS.c.id, JOBS.c.explanation, JOBS.c.explanation_nl).where(
        sa.or_(JOBS.c.explanation != '', JOBS.c.explanation_nl != ''))).all()
    for row_id, english, dutch in rows:
        connection.execute(JOBS.update().where(JOBS.c.id == row_id).values(
            late_reason={"code": "text", "text": dutch or english}))
    op.drop_column('plan_jobs', 'explanation_nl')
    op.drop_column('plan_jobs', 'explanation')
    op.add_column('customers', sa.Column('language', sa.String(length=2), nullable=False, server_default=''))


def downgrade() -> None:
    op.drop_column('customers', 'language')
    op.add_column('plan_jobs', sa.Column('explanation', sa.Text(), nullable=False, server_default=''))
    op.add_column('plan_jobs', sa.Column('explanation_nl', sa.Text(), nullable=False, server_default=''))
    connection = op.get_bind()
    from maakbaar.i18n import say
    from maakbaar.reasons import Reason

    for row_id, stored in connection.execute(sa.select(JOBS.c.id, JOBS.c.late_reason).where(
            JOBS.c.late_reason.is_not(None))).all():
        reason = Reason.from_json(stored)
        if reason is not None:
            connection.execute(JOBS.update().where(JOBS.c.id == row_id).values(
                explanation=say(reason, "en"), explanation_nl=say(reason, "nl")))
    op.drop_column('plan_jobs', 'late_reason')
