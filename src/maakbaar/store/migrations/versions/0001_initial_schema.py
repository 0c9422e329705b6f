"""initial schema

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-28 13:17:48.997358
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calendars',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendars')),
    sa.UniqueConstraint('code', name=op.f('uq_calendars_code'))
    )
    op.create_table('customers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=500), nullable=False),
    sa.Column('postcode', sa.String(length=500), nullable=False),
    sa.Column('city', sa.String(length=500), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('email', sa.String(length=500), nullable=False),
    sa.Column('phone', sa.String(length=500), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customers')),
    sa.UniqueConstraint('code', name=op.f('uq_customers_code'))
    )
    op.create_table('materials',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grade', sa.String(length=40), nullable=False),
    sa.Column('family', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('density_kg_m3', sa.Float(), nullable=False),
    sa.Column('price_per_kg', sa.Float(), nullable=False),
    sa.Column('price_date', sa.Date(), nullable=False),
    sa.Column('price_source', sa.String(length=500), nullable=False),
    sa.Column('co2_per_kg', sa.Float(), nullable=False),
    sa.Column('co2_source', sa.String(length=500), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('co2_per_kg >= 0', name=op.f('ck_materials_co2_not_negative')),
    sa.CheckConstraint('density_kg_m3 > 0', name=op.f('ck_materials_density_positive')),
    sa.CheckConstraint('price_per_kg >= 0', name=op.f('ck_materials_price_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_materials')),
    sa.UniqueConstraint('grade', name=op.f('uq_materials_grade'))
    )
    op.create_table('shop_settings',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_shop_settings'))
    )
    op.create_table('work_centers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_centers')),
    sa.UniqueConstraint('code', name=op.f('uq_work_centers_code'))
    )
    op.create_table('calendar_closures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('calendar_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.DateTime(), nullable=False),
    sa.Column('end', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.CheckConstraint('"end" > start', name=op.f('ck_calendar_closures_end_after_start')),
    sa.ForeignKeyConstraint(['calendar_id'], ['calendars.id'], name=op.f('fk_calendar_closures_calendar_id_calendars'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_closures'))
    )
    with op.batch_alter_table('calendar_closures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_closures_calendar_id'), ['calendar_id'], unique=False)

    op.create_table('calendar_holidays',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('calendar_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['calendar_id'], ['calendars.id'], name=op.f('fk_calendar_holidays_calendar_id_calendars'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_holidays')),
    sa.UniqueConstraint('calendar_id', 'date', name='uq_calendar_holidays_day')
    )
    with op.batch_alter_table('calendar_holidays', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_holidays_calendar_id'), ['calendar_id'], unique=False)

    op.create_table('calendar_shifts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('calendar_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('start', sa.Time(), nullable=False),
    sa.Column('end', sa.Time(), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('breaks', sa.JSON(), nullable=False),
    sa.CheckConstraint('weekday BETWEEN 0 AND 6', name=op.f('ck_calendar_shifts_weekday_range')),
    sa.ForeignKeyConstraint(['calendar_id'], ['calendars.id'], name=op.f('fk_calendar_shifts_calendar_id_calendars'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_shifts'))
    )
    with op.batch_alter_table('calendar_shifts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_shifts_calendar_id'), ['calendar_id'], unique=False)

    op.create_table('machines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('work_center_id', sa.Integer(), nullable=False),
    sa.Column('calendar_id', sa.Integer(), nullable=False),
    sa.Column('hourly_rate', sa.Float(), nullable=False),
    sa.Column('power_kw', sa.Float(), nullable=False),
    sa.Column('max_sheet_length_mm', sa.Float(), nullable=True),
    sa.Column('max_sheet_width_mm', sa.Float(), nullable=True),
    sa.Column('max_thickness_mm', sa.JSON(), nullable=False),
    sa.Column('bend_length_mm', sa.Float(), nullable=True),
    sa.Column('tonnage_t', sa.Float(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('hourly_rate >= 0', name=op.f('ck_machines_rate_not_negative')),
    sa.CheckConstraint('power_kw >= 0', name=op.f('ck_machines_power_not_negative')),
    sa.ForeignKeyConstraint(['calendar_id'], ['calendars.id'], name=op.f('fk_machines_calendar_id_calendars'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['work_center_id'], ['work_centers.id'], name=op.f('fk_machines_work_center_id_work_centers'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_machines')),
    sa.UniqueConstraint('code', name=op.f('uq_machines_code'))
    )
    with op.batch_alter_table('machines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_machines_calendar_id'), ['calendar_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_machines_work_center_id'), ['work_center_id'], unique=False)

    op.create_table('operators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('calendar_id', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['calendar_id'], ['calendars.id'], name=op.f('fk_operators_calendar_id_calendars'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_operators')),
    sa.UniqueConstraint('code', name=op.f('uq_operators_code'))
    )
    with op.batch_alter_table('operators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_operators_calendar_id'), ['calendar_id'], unique=False)

    op.create_table('orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('customer_reference', sa.String(length=500), nullable=False),
    sa.Column('order_date', sa.Date(), nullable=False),
    sa.Column('release_date', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('notes', sa.String(length=500), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('due_date >= release_date', name=op.f('ck_orders_due_after_release')),
    sa.CheckConstraint('priority BETWEEN 1 AND 5', name=op.f('ck_orders_priority_range')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_orders_customer_id_customers'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders')),
    sa.UniqueConstraint('number', name=op.f('uq_orders_number'))
    )
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orders_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_due_date'), ['due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_status'), ['status'], unique=False)

    op.create_table('parts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('revision', sa.String(length=500), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('material_id', sa.Integer(), nullable=False),
    sa.Column('thickness_mm', sa.Float(), nullable=False),
    sa.Column('geometry_ref', sa.String(length=500), nullable=False),
    sa.Column('length_mm', sa.Float(), nullable=False),
    sa.Column('width_mm', sa.Float(), nullable=False),
    sa.Column('net_area_mm2', sa.Float(), nullable=False),
    sa.Column('cut_length_mm', sa.Float(), nullable=False),
    sa.Column('pierces', sa.Integer(), nullable=False),
    sa.Column('bends', sa.Integer(), nullable=False),
    sa.Column('bend_length_mm', sa.Float(), nullable=False),
    sa.Column('weld_length_mm', sa.Float(), nullable=False),
    sa.Column('coated_area_m2', sa.Float(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('thickness_mm > 0', name=op.f('ck_parts_thickness_positive')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_parts_customer_id_customers'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['material_id'], ['materials.id'], name=op.f('fk_parts_material_id_materials'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parts')),
    sa.UniqueConstraint('number', name=op.f('uq_parts_number'))
    )
    with op.batch_alter_table('parts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parts_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_parts_material_id'), ['material_id'], unique=False)

    op.create_table('quotes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('quote_date', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('notes', sa.String(length=500), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_quotes_customer_id_customers'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quotes')),
    sa.UniqueConstraint('number', name=op.f('uq_quotes_number'))
    )
    with op.batch_alter_table('quotes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quotes_customer_id'), ['customer_id'], unique=False)

    op.create_table('stock_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('material_id', sa.Integer(), nullable=False),
    sa.Column('thickness_mm', sa.Float(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('length_mm', sa.Float(), nullable=False),
    sa.Column('width_mm', sa.Float(), nullable=False),
    sa.Column('outline', sa.JSON(), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('heat_number', sa.String(length=500), nullable=False),
    sa.Column('certificate_ref', sa.String(length=500), nullable=False),
    sa.Column('location', sa.String(length=500), nullable=False),
    sa.Column('price_per_sheet', sa.Float(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('length_mm > 0 AND width_mm > 0', name=op.f('ck_stock_items_size_positive')),
    sa.CheckConstraint('quantity >= 0', name=op.f('ck_stock_items_quantity_not_negative')),
    sa.CheckConstraint('thickness_mm > 0', name=op.f('ck_stock_items_thickness_positive')),
    sa.ForeignKeyConstraint(['material_id'], ['materials.id'], name=op.f('fk_stock_items_material_id_materials'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_items')),
    sa.UniqueConstraint('code', name=op.f('uq_stock_items_code'))
    )
    with op.batch_alter_table('stock_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_items_material_id'), ['material_id'], unique=False)

    op.create_table('machine_downtimes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('machine_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.DateTime(), nullable=False),
    sa.Column('end', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.CheckConstraint('"end" > start', name=op.f('ck_machine_downtimes_end_after_start')),
    sa.ForeignKeyConstraint(['machine_id'], ['machines.id'], name=op.f('fk_machine_downtimes_machine_id_machines'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_machine_downtimes'))
    )
    with op.batch_alter_table('machine_downtimes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_machine_downtimes_machine_id'), ['machine_id'], unique=False)

    op.create_table('operator_skills',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('operator_id', sa.Integer(), nullable=False),
    sa.Column('work_center_type', sa.String(length=20), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.CheckConstraint('level BETWEEN 1 AND 3', name=op.f('ck_operator_skills_level_range')),
    sa.ForeignKeyConstraint(['operator_id'], ['operators.id'], name=op.f('fk_operator_skills_operator_id_operators'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_operator_skills')),
    sa.UniqueConstraint('operator_id', 'work_center_type', name='uq_operator_skills_type')
    )
    with op.batch_alter_table('operator_skills', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_operator_skills_operator_id'), ['operator_id'], unique=False)

    op.create_table('order_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('part_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('unit_price', sa.Float(), nullable=True),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_order_lines_quantity_positive')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_lines_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['part_id'], ['parts.id'], name=op.f('fk_order_lines_part_id_parts'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_lines')),
    sa.UniqueConstraint('order_id', 'line_no', name='uq_order_lines_line_no')
    )
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_lines_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_lines_part_id'), ['part_id'], unique=False)

    op.create_table('quote_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quote_id', sa.Integer(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('part_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['part_id'], ['parts.id'], name=op.f('fk_quote_lines_part_id_parts'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['quote_id'], ['quotes.id'], name=op.f('fk_quote_lines_quote_id_quotes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quote_lines')),
    sa.UniqueConstraint('quote_id', 'line_no', name='uq_quote_lines_line_no')
    )
    with op.batch_alter_table('quote_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quote_lines_part_id'), ['part_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quote_lines_quote_id'), ['quote_id'], unique=False)

    op.create_table('routing_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('part_id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('work_center_type', sa.String(length=20), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('setup_min', sa.Float(), nullable=False),
    sa.Column('run_min_per_piece', sa.Float(), nullable=False),
    sa.Column('setup_family', sa.String(length=500), nullable=False),
    sa.Column('unattended', sa.Boolean(), nullable=False),
    sa.Column('may_pause', sa.Boolean(), nullable=False),
    sa.Column('subcontract_lead_days', sa.Integer(), nullable=True),
    sa.Column('supplier', sa.String(length=500), nullable=False),
    sa.Column('min_wait_after_min', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['part_id'], ['parts.id'], name=op.f('fk_routing_steps_part_id_parts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_routing_steps')),
    sa.UniqueConstraint('part_id', 'sequence', name='uq_routing_steps_sequence')
    )
    with op.batch_alter_table('routing_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_routing_steps_part_id'), ['part_id'], unique=False)

    op.create_table('quote_breaks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quote_line_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price', sa.Float(), nullable=False),
    sa.Column('lead_time_days', sa.Integer(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_quote_breaks_quantity_positive')),
    sa.CheckConstraint('unit_price >= 0', name=op.f('ck_quote_breaks_price_not_negative')),
    sa.ForeignKeyConstraint(['quote_line_id'], ['quote_lines.id'], name=op.f('fk_quote_breaks_quote_line_id_quote_lines'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quote_breaks')),
    sa.UniqueConstraint('quote_line_id', 'quantity', name='uq_quote_breaks_quantity')
    )
    with op.batch_alter_table('quote_breaks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quote_breaks_quote_line_id'), ['quote_line_id'], unique=False)

    op.create_table('routing_step_machines',
    sa.Column('step_id', sa.Integer(), nullable=False),
    sa.Column('machine_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['machine_id'], ['machines.id'], name=op.f('fk_routing_step_machines_machine_id_machines'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['step_id'], ['routing_steps.id'], name=op.f('fk_routing_step_machines_step_id_routing_steps'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('step_id', 'machine_id', name=op.f('pk_routing_step_machines'))
    )
    op.create_table('work_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('order_line_id', sa.Integer(), nullable=False),
    sa.Column('part_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('release_date', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('due_date >= release_date', name=op.f('ck_work_orders_due_after_release')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_work_orders_quantity_positive')),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_lines.id'], name=op.f('fk_work_orders_order_line_id_order_lines'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['part_id'], ['parts.id'], name=op.f('fk_work_orders_part_id_parts'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_orders')),
    sa.UniqueConstraint('number', name=op.f('uq_work_orders_number'))
    )
    with op.batch_alter_table('work_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_orders_order_line_id'), ['order_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_orders_part_id'), ['part_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_orders_status'), ['status'], unique=False)

    op.create_table('work_order_operations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('work_order_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('fixed', sa.Boolean(), nullable=False),
    sa.Column('quantity_done', sa.Integer(), nullable=False),
    sa.Column('assigned_machine_id', sa.Integer(), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('work_center_type', sa.String(length=20), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('setup_min', sa.Float(), nullable=False),
    sa.Column('run_min_per_piece', sa.Float(), nullable=False),
    sa.Column('setup_family', sa.String(length=500), nullable=False),
    sa.Column('unattended', sa.Boolean(), nullable=False),
    sa.Column('may_pause', sa.Boolean(), nullable=False),
    sa.Column('subcontract_lead_days', sa.Integer(), nullable=True),
    sa.Column('supplier', sa.String(length=500), nullable=False),
    sa.Column('min_wait_after_min', sa.Float(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('quantity_done >= 0', name=op.f('ck_work_order_operations_quantity_done_not_negative')),
    sa.ForeignKeyConstraint(['assigned_machine_id'], ['machines.id'], name=op.f('fk_work_order_operations_assigned_machine_id_machines'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['work_order_id'], ['work_orders.id'], name=op.f('fk_work_order_operations_work_order_id_work_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_order_operations')),
    sa.UniqueConstraint('work_order_id', 'sequence', name='uq_work_order_operations_sequence')
    )
    with op.batch_alter_table('work_order_operations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_order_operations_work_order_id'), ['work_order_id'], unique=False)

    op.create_table('operation_machines',
    sa.Column('operation_id', sa.Integer(), nullable=False),
    sa.Column('machine_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['machine_id'], ['machines.id'], name=op.f('fk_operation_machines_machine_id_machines'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['operation_id'], ['work_order_operations.id'], name=op.f('fk_operation_machines_operation_id_work_order_operations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('operation_id', 'machine_id', name=op.f('pk_operation_machines'))
    )


def downgrade() -> None:
    op.drop_table('operation_machines')
    with op.batch_alter_table('work_order_operations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_order_operations_work_order_id'))

    op.drop_table('work_order_operations')
    with op.batch_alter_table('work_orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_orders_status'))
        batch_op.drop_index(batch_op.f('ix_work_orders_part_id'))
        batch_op.drop_index(batch_op.f('ix_work_orders_order_line_id'))

    op.drop_table('work_orders')
    op.drop_table('routing_step_machines')
    with op.batch_alter_table('quote_breaks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quote_breaks_quote_line_id'))

    op.drop_table('quote_breaks')
    with op.batch_alter_table('routing_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_routing_steps_part_id'))

    op.drop_table('routing_steps')
    with op.batch_alter_table('quote_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quote_lines_quote_id'))
        batch_op.drop_index(batch_op.f('ix_quote_lines_part_id'))

    op.drop_table('quote_lines')
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_lines_part_id'))
        batch_op.drop_index(batch_op.f('ix_order_lines_order_id'))

    op.drop_table('order_lines')
    with op.batch_alter_table('operator_skills', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_operator_skills_operator_id'))

    op.drop_table('operator_skills')
    with op.batch_alter_table('machine_downtimes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_machine_downtimes_machine_id'))

    op.drop_table('machine_downtimes')
    with op.batch_alter_table('stock_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_items_material_id'))

    op.drop_table('stock_items')
    with op.batch_alter_table('quotes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quotes_customer_id'))

    op.drop_table('quotes')
    with op.batch_alter_table('parts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parts_material_id'))
        batch_op.drop_index(batch_op.f('ix_parts_customer_id'))

    op.drop_table('parts')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orders_status'))
        batch_op.drop_index(batch_op.f('ix_orders_due_date'))
        batch_op.drop_index(batch_op.f('ix_orders_customer_id'))

    op.drop_table('orders')
    with op.batch_alter_table('operators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_operators_calendar_id'))

    op.drop_table('operators')
    with op.batch_alter_table('machines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_machines_work_center_id'))
        batch_op.drop_index(batch_op.f('ix_machines_calendar_id'))

    op.drop_table('machines')
    with op.batch_alter_table('calendar_shifts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_shifts_calendar_id'))

    op.drop_table('calendar_shifts')
    with op.batch_alter_table('calendar_holidays', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_holidays_calendar_id'))

    op.drop_table('calendar_holidays')
    with op.batch_alter_table('calendar_closures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_closures_calendar_id'))

    op.drop_table('calendar_closures')
    op.drop_table('work_centers')
    op.drop_table('shop_settings')
    op.drop_table('materials')
    op.drop_table('customers')
    op.drop_table('calendars')
