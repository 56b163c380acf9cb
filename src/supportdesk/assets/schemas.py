"""What comes in to create or change an asset location, and what the service hands back.

Lengths match the columns in ``assets.models``, so an over-long value is a
400 naming the field, never a database error.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from supportdesk.companies.schemas import valid_text

LocationName = Annotated[str, Field(max_length=200), AfterValidator(valid_text)]
# Text column: bounded here so one field cannot fill a page.
Description = Annotated[str, Field(max_length=2000), AfterValidator(valid_text)]
AddressLine = Annotated[str, Field(max_length=255), AfterValidator(valid_text)]
Place = Annotated[str, Field(max_length=100), AfterValidator(valid_text)]
Zipcode = Annotated[str, Field(max_length=20), AfterValidator(valid_text)]
Person = Annotated[str, Field(max_length=200), AfterValidator(valid_text)]
Email = Annotated[str, Field(max_length=254), AfterValidator(valid_text)]
Phone = Annotated[str, Field(max_length=50), AfterValidator(valid_text)]

# Fields stored as given (trimmed, empty string as null).
OPTIONAL_TEXT = ("description", "address_line_1", "address_line_2", "city", "state", "country",
                 "zipcode", "contact_person", "phone")


class LocationFields(BaseModel):
    """The optional properties shared by create and update."""

    model_config = ConfigDict(extra="forbid")

    description: Description | None = Field(
        default=None, description="What the location is used for (at most 2000 characters).",
        examples=["Main office, 3rd floor"])
    parent_location: LocationName | None = Field(
        default=None, description="Name of the location this one sits inside (a building "
        "for a floor), or null for a top-level location.", examples=["Head Office"])
    address_line_1: AddressLine | None = Field(default=None, description="Street address "
                                               "(at most 255 characters).",
                                               examples=["1 Main Street"])
    address_line_2: AddressLine | None = Field(default=None, description="Suite, floor or "
                                               "building (at most 255 characters).",
                                               examples=["Floor 3"])
    city: Place | None = Field(default=None, description="City (at most 100 characters).",
                               examples=["Springfield"])
    state: Place | None = Field(default=None, description="State or region (at most 100 "
                                "characters).", examples=["IL"])
    country: Place | None = Field(default=None, description="Country (at most 100 "
                                  "characters).", examples=["USA"])
    zipcode: Zipcode | None = Field(default=None, description="Postal code (at most 20 "
                                    "characters).", examples=["62701"])
    contact_person: Person | None = Field(default=None, description="Who to ask on site (at "
                                          "most 200 characters).", examples=["Dana Facilities"])
    contact_email: Email | None = Field(default=None, description="Email of the contact "
                                        "person.", examples=["dana@example.com"])
    phone: Phone | None = Field(default=None, description="Phone number of the location (at "
                                "most 50 characters).", examples=["+1 555 0100"])


class LocationCreate(LocationFields):
    """A new asset location (``POST asset_mgmt/locations/create``)."""

    location_name: LocationName = Field(description="Name of the location, unique in the "
                                        "helpdesk without regard to case (at most 200 "
                                        "characters).", examples=["Head Office - Floor 3"])


class LocationUpdate(LocationFields):
    """Changes to a location (``PUT asset_mgmt/locations/update``): only fields present change."""

    location_name: LocationName | None = Field(default=None, description="A new name for the "
                                               "location.", examples=["HQ - Floor 3"])


class LocationRead(BaseModel):
    """A location as the service reports it; ``parent_location`` is the parent's name."""

    location_name: str
    description: str | None
    parent_location: str | None
    address_line_1: str | None
    address_line_2: str | None
    city: str | None
    state: str | None
    country: str | None
    zipcode: str | None
    contact_person: str | None
    contact_email: str | None
    phone: str | None
    created_at: datetime
    updated_at: datetime


class LocationPage(BaseModel):
    """One page of the location list and the total across all pages."""

    total: int
    items: list[LocationRead]
