"""Contracts on the wire: Desk365 field names, the code tables and usage blocks.

Create and update answer with the create model (``block_hours`` or
``block_tickets`` nested, the other null); details and list items with the
details model (flat block fields plus usage). Dates are ``YYYY-MM-DD``: the
domain keeps an exclusive end instant, the wire shows the last day.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from supportdesk.contracts.schemas import ContractPage, ContractRead
from supportdesk.contracts.service import BLOCK_HOURS

DATE = "%Y-%m-%d"


def _dates(contract: ContractRead) -> tuple[str, str]:
    return (contract.starts_at.strftime(DATE),
            (contract.ends_at - timedelta(days=1)).strftime(DATE))


def contract_body(contract: ContractRead) -> dict[str, Any]:
    """A contract in create/update responses."""
    start, end = _dates(contract)
    hours = contract.contract_type == BLOCK_HOURS
    return {
        "name": contract.name, "company": contract.company, "start_date": start,
        "end_date": end, "reference_number": contract.reference_number,
        "setup_fees": contract.setup_fees, "sla": contract.sla,
        "contract_category": contract.category, "is_active": contract.is_active,
        "bill_cycle": contract.bill_cycle,
        "after_hours_included": contract.after_hours_included,
        "contract_type": contract.contract_type,
        "block_hours": {
            "contract_hours": contract.contract_hours,
            "min_increment": contract.min_increment,
            "rollover_unused_hours": contract.rollover_unused_hours,
            "rollover_type": contract.rollover_type,
            "rollover_value": contract.rollover_value,
        } if hours else None,
        "block_tickets": None if hours else {"contract_tickets": contract.contract_tickets},
    }


def contract_details(contract: ContractRead) -> dict[str, Any]:
    """A contract in details and list responses, with its usage."""
    start, end = _dates(contract)
    hours = contract.contract_type == BLOCK_HOURS
    rolls = hours and (contract.rollover_unused_hours
                       or any(p.rollover_mins for p in contract.periods))
    return {
        "name": contract.name, "start_date": start, "end_date": end,
        "is_active": contract.is_active, "setup_fees": contract.setup_fees,
        "reference_number": contract.reference_number, "bill_cycle": contract.bill_cycle,
        "contract_type": contract.contract_type,
        "after_hours_included": contract.after_hours_included, "sla": contract.sla,
        "company": contract.company, "category": contract.category, "is_default": False,
        "contract_hours": contract.contract_hours if hours else None,
        "min_increment": contract.min_increment if hours else None,
        "rollover_unused_hours": int(contract.rollover_unused_hours) if hours else None,
        "rollover_type": contract.rollover_type if hours else None,
        "rollover_value": contract.rollover_value if hours else None,
        "contract_used_mins": contract.used if hours else None,
        "total_available_mins": contract.available if hours else None,
        "total_rollover_mins": contract.rolled_over if hours else None,
        "extra_used_mins": contract.extra if hours else None,
        "contract_tickets": None if hours else contract.contract_tickets,
        "contract_used_tickets": None if hours else contract.used,
        "total_available_tickets": None if hours else contract.available,
        "extra_used_tickets": None if hours else contract.extra,
        "rollover_details": [
            {"year": p.year, "month": p.month, "contract_mins": p.contract_mins,
             "contract_mins_used": p.contract_mins_used, "rollover_mins": p.rollover_mins,
             "rollover_mins_used": p.rollover_mins_used,
             "rollover_mins_available": p.rollover_mins_available,
             "late_entry_mins": p.late_entry_mins}
            for p in contract.periods
        ] if rolls else [],
        "usage_hours": [
            {"year": p.year, "month": p.month, "contractMins": p.contract_mins,
             "contractMinsUsed": p.contract_mins_used, "rolloverMins": p.rollover_mins,
             "rolloverMinsUsed": p.rollover_mins_used,
             "rolloverMinsAvailable": p.rollover_mins_available,
             "lateEntryMins": p.late_entry_mins, "extraUsedMins": p.extra_used_mins}
            for p in contract.periods
        ] if hours else [],
    }


def contract_list_body(page: ContractPage) -> dict[str, Any]:
    """``{"count": <total matching>, "contracts": [...]}``."""
    return {"count": page.total, "contracts": [contract_details(c) for c in page.items]}


CONTRACT_EXAMPLE: dict[str, Any] = {
    "name": "Sample contract", "company": "Contoso", "start_date": "2026-01-01",
    "end_date": "2026-12-31", "reference_number": "#6532", "setup_fees": 500,
    "sla": "Standard SLA", "contract_category": "Level 1", "is_active": True,
    "bill_cycle": 1, "after_hours_included": False, "contract_type": 2,
    "block_hours": {"contract_hours": 10, "min_increment": 15,
                    "rollover_unused_hours": True, "rollover_type": 1, "rollover_value": 2},
    "block_tickets": None,
}
_USAGE = {"year": 2026, "month": 1, "contractMins": 600, "contractMinsUsed": 90,
          "rolloverMins": 0, "rolloverMinsUsed": 0, "rolloverMinsAvailable": 0,
          "lateEntryMins": 0, "extraUsedMins": 0}
CONTRACT_DETAILS_EXAMPLE: dict[str, Any] = {
    "name": "Sample contract", "start_date": "2026-01-01", "end_date": "2026-01-31",
    "is_active": True, "setup_fees": 500, "reference_number": "#6532", "bill_cycle": 1,
    "contract_type": 2, "after_hours_included": False, "sla": "Standard SLA",
    "company": "Contoso", "category": "Level 1", "is_default": False, "contract_hours": 10,
    "min_increment": 15, "rollover_unused_hours": 1, "rollover_type": 1,
    "rollover_value": 2, "contract_used_mins": 90, "total_available_mins": 510,
    "total_rollover_mins": 0, "extra_used_mins": 0, "contract_tickets": None,
    "contract_used_tickets": None, "total_available_tickets": None,
    "extra_used_tickets": None,
    "rollover_details": [{"year": 2026, "month": 1, "contract_mins": 600,
                          "contract_mins_used": 90, "rollover_mins": 0,
                          "rollover_mins_used": 0, "rollover_mins_available": 0,
                          "late_entry_mins": 0}],
    "usage_hours": [_USAGE],
}
CONTRACT_LIST_EXAMPLE: dict[str, Any] = {"count": 1, "contracts": [CONTRACT_DETAILS_EXAMPLE]}
