"""What comes in to create or change a company, and what the service hands back.

Request models accept the Desk365 field names (they are also the domain's
names here); lengths match the columns in ``companies.models`` so an
over-long value is a 400 naming the field, never a database error.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from supportdesk.text import is_single_line


def valid_text(value: str) -> str:
    """Refuse text a database cannot store: NUL characters and lone surrogates."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text (it contains a lone surrogate)") from None
    return value


def valid_line(value: str) -> str:
    """Text that must stay on one line (names, phones): no line breaks or controls."""
    valid_text(value)
    if not is_single_line(value):
        raise ValueError("must be one line: it contains a line break or another control "
                         "character")
    return value


# Each alias mirrors the column it is stored in (String(n) / Text).
CompanyName = Annotated[str, Field(max_length=200), AfterValidator(valid_line)]
# Text column: unbounded in the database, bounded here so one field cannot fill a page.
Description = Annotated[str, Field(max_length=65_535), AfterValidator(valid_text)]
Phone = Annotated[str, Field(max_length=50), AfterValidator(valid_line)]
Address = Annotated[str, Field(max_length=500), AfterValidator(valid_text)]
Place = Annotated[str, Field(max_length=100), AfterValidator(valid_line)]
Zipcode = Annotated[str, Field(max_length=20), AfterValidator(valid_line)]
SlaName = Annotated[str, Field(max_length=200), AfterValidator(valid_text)]
# A comma-separated list; each domain is checked against String(253) by the service.
DomainList = Annotated[str, Field(max_length=20_000), AfterValidator(valid_text)]


class CompanyFields(BaseModel):
    """The optional properties shared by create and update."""

    model_config = ConfigDict(extra="forbid")

    description: Description | None = Field(default=None, description="Description of the "
                                            "company.")
    phone: Phone | None = Field(default=None, description="Phone number of the company.",
                                examples=["123456789"])
    address: Address | None = Field(default=None, description="Address of the company.")
    city: Place | None = Field(default=None, description="City of the company.")
    state: Place | None = Field(default=None, description="State of the company.")
    country: Place | None = Field(default=None, description="Country of the company.")
    zipcode: Zipcode | None = Field(default=None, description="Zipcode of the company.")
    sla: SlaName | None = Field(
        default=None,
        description='Name of the SLA policy for the company\'s tickets; "helpdesk default" '
        "(or null) means the helpdesk-wide default policy.",
        examples=["helpdesk default"],
    )
    domains: DomainList | None = Field(
        default=None,
        description="Comma-separated email domains of the company. New contacts whose email "
        "address is at one of these domains join the company automatically. A domain "
        "belongs to at most one company.",
        examples=["contoso.com, orcael.com"],
    )


class CompanyCreate(CompanyFields):
    """A new customer organisation (``POST companies/create``)."""

    name: CompanyName = Field(description="Name of the company, unique in the helpdesk.",
                              examples=["Contoso"])


class CompanyUpdate(CompanyFields):
    """Changes to a company (``PUT companies/update``): only fields present change."""

    name: CompanyName | None = Field(default=None, description="A new name for the company.",
                                     examples=["Contoso"])


class CompanyRead(BaseModel):
    """A company as the service reports it; ``sla_policy`` None means the tenant default."""

    name: str
    description: str | None
    phone: str | None
    address: str | None
    city: str | None
    state: str | None
    country: str | None
    zipcode: str | None
    sla_policy: str | None
    domains: list[str]
    created_at: datetime
    updated_at: datetime


class CompanyPage(BaseModel):
    """One page of the company list and the total across all pages."""

    total: int
    items: list[CompanyRead]
