"""Custom field definitions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from supportdesk.db.base import Base, Id, TenantOwned

FIELD_TYPES = (
    "text", "paragraph", "number", "decimal", "date", "checkbox", "dropdown", "multi-select",
)


class CustomField(TenantOwned, Base):
    """A ticket field the tenant added; on the wire it is ``cf_<label>``.

    Values live on the ticket keyed by this field's id, so renaming the
    label does not orphan them.
    """

    __tablename__ = "custom_fields"
    __table_args__ = (Index("uq_custom_fields_tenant_label", "tenant_id", "label", unique=True),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    label: Mapped[str] = mapped_column(String(200), nullable=False)
    field_type: Mapped[str] = mapped_column(String(20), nullable=False)
    choices: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
