"""device topics

Revision ID: 0007_device_topics
Revises: 0006_request_read_model
Create Date: 2026-12-01 15:12:04.165283
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0007_device_topics'
down_revision = '0006_request_read_model'
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('topics', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False, server_default='[]'))

    


def downgrade() -> None:
    
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.drop_column('topics')

    
