"""Asset locations on the wire: field names, key order and the list envelope.

The list is ``{"total": n, "locations": [...]}`` (no ``count``, unlike the
other lists); items have the same keys as the details body.
"""

from __future__ import annotations

from typing import Any

from supportdesk.api.v3.wire import wire_time
from supportdesk.assets.schemas import LocationPage, LocationRead


def location_body(location: LocationRead) -> dict[str, Any]:
    """A location in list items and in details/create/update responses."""
    return {
        "location_name": location.location_name,
        "description": location.description,
        "parent_location": location.parent_location,
        "address_line_1": location.address_line_1,
        "address_line_2": location.address_line_2,
        "city": location.city,
        "state": location.state,
        "country": location.country,
        "zipcode": location.zipcode,
        "contact_person": location.contact_person,
        "contact_email": location.contact_email,
        "phone": location.phone,
        "created_on": wire_time(location.created_at),
        "updated_on": wire_time(location.updated_at),
    }


def location_list_body(page: LocationPage) -> dict[str, Any]:
    """``{"total": <all locations>, "locations": [...]}``."""
    return {"total": page.total, "locations": [location_body(loc) for loc in page.items]}


LOCATION_EXAMPLE: dict[str, Any] = {
    "location_name": "Head Office - Floor 3",
    "description": "Open-plan office and the print room",
    "parent_location": "Head Office",
    "address_line_1": "1 Main Street",
    "address_line_2": "Floor 3",
    "city": "Springfield",
    "state": "IL",
    "country": "USA",
    "zipcode": "62701",
    "contact_person": "Dana Facilities",
    "contact_email": "dana@example.com",
    "phone": "+1 555 0100",
    "created_on": "2026-01-05 09:00:00",
    "updated_on": "2026-01-05 09:00:00",
}
LOCATION_LIST_EXAMPLE: dict[str, Any] = {"total": 1, "locations": [LOCATION_EXAMPLE]}
CREATE_LOCATION_EXAMPLE: dict[str, Any] = {
    key: value for key, value in LOCATION_EXAMPLE.items()
    if key not in ("created_on", "updated_on")
}
