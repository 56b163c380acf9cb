"""Tables of this domain (see the package docstring)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKeyConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from supportdesk.db.base import Base, Id, TenantOwned


class AssetLocation(TenantOwned, Base):
    """A place where the helpdesk's assets are kept: an office, a floor, a server room.

    Locations nest: a floor can sit inside a building through ``parent_id``.
    Names are unique in a helpdesk without regard to case; ``name_key`` holds
    the case-folded name so the database itself enforces that.
    """

    __tablename__ = "asset_locations"
    __table_args__ = (
        Index("uq_asset_locations_tenant_name_key", "tenant_id", "name_key", unique=True),
        Index("ix_asset_locations_tenant_parent", "tenant_id", "parent_id"),
        ForeignKeyConstraint(
            ["tenant_id", "parent_id"], ["asset_locations.tenant_id", "asset_locations.id"]
        ),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    # name.casefold(): can be up to three times as long as the name.
    name_key: Mapped[str] = mapped_column(String(600), nullable=False)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    parent_id: Mapped[int | None] = mapped_column(Id, nullable=True)
    address_line_1: Mapped[str | None] = mapped_column(String(255), nullable=True)
    address_line_2: Mapped[str | None] = mapped_column(String(255), nullable=True)
    city: Mapped[str | None] = mapped_column(String(100), nullable=True)
    state: Mapped[str | None] = mapped_column(String(100), nullable=True)
    country: Mapped[str | None] = mapped_column(String(100), nullable=True)
    zipcode: Mapped[str | None] = mapped_column(String(20), nullable=True)
    contact_person: Mapped[str | None] = mapped_column(String(200), nullable=True)
    contact_email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(50), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
