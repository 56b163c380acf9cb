"""What comes in to create or change a contact, and what the service hands back.

Lengths match the columns in ``contacts.models`` so an over-long value is a
400 naming the field, never a database error.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from supportdesk.companies.schemas import CompanyName, valid_line, valid_text

# Each alias mirrors the column it is stored in.
ContactName = Annotated[str, Field(max_length=200), AfterValidator(valid_line)]
Title = Annotated[str, Field(max_length=200), AfterValidator(valid_line)]
PhoneNumber = Annotated[str, Field(max_length=50), AfterValidator(valid_line)]
Email = Annotated[str, Field(max_length=254), AfterValidator(valid_text)]
# A comma-separated list; each address is checked against String(254) by the service.
EmailList = Annotated[str, Field(max_length=20_000), AfterValidator(valid_text)]


class ContactFields(BaseModel):
    """The optional properties shared by create and update."""

    model_config = ConfigDict(extra="forbid")

    secondary_emails: EmailList | None = Field(
        default=None,
        description="Further email addresses of the contact, comma-separated. Mail from any "
        "of them is recognised as this contact. On update the list is replaced.",
        examples=["joe@contoso.onmicrosoft.com"],
    )
    title: Title | None = Field(default=None, description="Job title of the contact.",
                                examples=["Manager"])
    mobile: PhoneNumber | None = Field(default=None, description="Mobile number.",
                                       examples=["123456789"])
    phone: PhoneNumber | None = Field(default=None, description="Telephone number.",
                                      examples=["123456789"])
    company_name: CompanyName | None = Field(
        default=None,
        description="Name of an existing company the contact belongs to. On create, when "
        "left out, the contact joins the company that owns its email domain. On update, "
        'an empty string or null removes the contact from its company.',
        examples=["Contoso"],
    )


class ContactCreate(ContactFields):
    """A new customer (``POST contacts/create``)."""

    name: ContactName = Field(description="Name of the contact.", examples=["Joe"])
    primary_email: Email = Field(description="Primary email address, unique in the helpdesk.",
                                 examples=["joe@contoso.com"])


class ContactUpdate(ContactFields):
    """Changes to a contact (``PUT contacts/update``): only fields present change."""

    name: ContactName | None = Field(default=None, description="Name of the contact.",
                                     examples=["Joe"])
    # Not part of the documented body: accepted only so that sending it is refused
    # with a clear message instead of "not a known field".
    primary_email: SkipJsonSchema[object] = None


class ContactRead(BaseModel):
    """A contact as the service reports it."""

    name: str
    primary_email: str
    secondary_emails: list[str]
    title: str | None
    mobile: str | None
    phone: str | None
    company_name: str | None
    is_deleted: bool
    created_at: datetime
    updated_at: datetime


class ContactPage(BaseModel):
    """One page of the contact list and the total across all pages."""

    total: int
    items: list[ContactRead]
