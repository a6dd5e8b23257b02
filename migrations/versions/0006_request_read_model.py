"""request read model

Revision ID: 0006_request_read_model
Revises: 0005_campaigns
Create Date: 2026-12-01 14:41:17.844474
"""
import json

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0006_request_read_model'
down_revision = '0005_campaigns'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('service_code', sa.String(length=48), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('view_data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False,
                                      server_default='{}'))
    _backfill()


def _backfill() -> None:
    """Requests written before this revision get their code and read model from the rows."""
    conn = op.get_bind()
    requests = conn.execute(sa.text(
        "SELECT r.id, s.code, r.fields, r.delivery, r.channel FROM service_requests r "
        "JOIN services s ON s.id = r.service_id")).all()
    for request_id, code, fields, delivery, channel in requests:
        events = conn.execute(sa.text(
            "SELECT status, at, note FROM request_events WHERE request_id = :id ORDER BY id"),
            {"id": request_id}).all()
        view = {"fields": _json(fields), "delivery": _json(delivery), "channel": channel,
                "documents": [],
                "history": [{"status": s, "at": str(at), "note": _json(n)} for s, at, n in events]}
        conn.execute(sa.text("UPDATE service_requests SET service_code = :code, view_data = :v "
                             "WHERE id = :id"),
                     {"code": code, "v": json.dumps(view), "id": request_id})


def _json(value):  # type: ignore[no-untyped-def]
    return json.loads(value) if isinstance(value, str) else value


def downgrade() -> None:
    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.drop_column('view_data')
        batch_op.drop_column('service_code')
