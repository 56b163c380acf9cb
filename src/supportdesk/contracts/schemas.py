"""What comes in to create or change a contract, and what the service hands back.

Field names are Desk365's (they read well as domain names too); numbers
accept ``10`` and ``"10"`` like the rest of the v3 API.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from supportdesk.companies.schemas import valid_text
from supportdesk.contracts.usage import PeriodUsage

ContractName = Annotated[str, Field(max_length=200), AfterValidator(valid_text)]
ReferenceNumber = Annotated[str, Field(max_length=100), AfterValidator(valid_text)]
CategoryName = Annotated[str, Field(max_length=200), AfterValidator(valid_text)]
DateText = Annotated[str, Field(max_length=40), AfterValidator(valid_text)]
Count = Annotated[int, Field(ge=0, le=1_000_000)]
Positive = Annotated[int, Field(ge=1, le=1_000_000)]
Money = Annotated[int, Field(ge=0, le=2_000_000_000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BlockHoursUpdate(_Strict):
    """Rollover settings of a block-hours contract (all that Desk365 lets an update change)."""

    rollover_unused_hours: bool | None = Field(
        default=None, description="Roll unused hours over to the next periods.")
    rollover_type: int | None = Field(default=None, description="Rollover Type: Monthly=1.")
    rollover_value: Positive | None = Field(
        default=None, description="For how many months rolled-over hours stay usable.")
    contract_hours: Positive | None = Field(
        default=None, description="Hours granted each billing period.")
    min_increment: Count | None = Field(
        default=None, description="Each time entry counts rounded up to a multiple of this "
        "many minutes (0 or null: exact minutes).")


class BlockHours(BlockHoursUpdate):
    """The block of a block-hours contract (``contract_type`` 2)."""

    contract_hours: Positive | None = Field(
        default=None, description="Hours granted each billing period (required).",
        examples=[600])


class BlockTickets(_Strict):
    """The block of a block-tickets contract (``contract_type`` 3)."""

    contract_tickets: Positive | None = Field(
        default=None, description="Tickets granted each billing period (required).",
        examples=[50])


class ContractCreate(_Strict):
    """A new contract (``POST contracts/create``)."""

    name: ContractName | None = Field(default=None, description="Name of the contract.",
                                      examples=["Sample contract"])
    company: ContractName | None = Field(default=None, description="Company name for the "
                                         "contract.", examples=["Contoso"])
    start_date: DateText | None = Field(default=None, description="First day, YYYY-MM-DD.",
                                        examples=["2026-01-01"])
    end_date: DateText | None = Field(default=None, description="Last day, YYYY-MM-DD.",
                                      examples=["2026-12-31"])
    reference_number: ReferenceNumber | None = Field(
        default=None, description="Reference number, unique in the helpdesk.",
        examples=["#6532"])
    setup_fees: Money | None = Field(default=None, description="Setup fees for the contract.")
    sla: ContractName | None = Field(default=None, description="SLA policy name.")
    contract_category: CategoryName | None = Field(default=None,
                                                   description="Category name.")
    is_active: bool | None = Field(default=None, description="Active (default true).")
    bill_cycle: int | None = Field(default=None, description="Monthly=1, Contract length=2.")
    after_hours_included: bool | None = Field(default=None, description="After hours "
                                              "included (default false).")
    contract_type: int | None = Field(default=None, description="Block hours=2, Block "
                                      "tickets=3.")
    block_hours: BlockHours | None = None
    block_tickets: BlockTickets | None = None


class ContractUpdate(_Strict):
    """Changes to a contract (``PUT contracts/update``): only fields present change."""

    name: ContractName | None = None
    reference_number: ReferenceNumber | None = None
    setup_fees: Money | None = None
    end_date: DateText | None = None
    after_hours_included: bool | None = None
    contract_category: CategoryName | None = Field(
        default=None, description="'- -' (or '--', '' or null) leaves it unassigned.")
    sla: ContractName | None = None
    is_active: bool | None = None
    block_hours: BlockHoursUpdate | None = None
    block_tickets: BlockTickets | None = None


class ContractRead(BaseModel):
    """A contract as the service reports it, with its usage worked out."""

    name: str
    reference_number: str | None
    company: str
    contract_type: int
    bill_cycle: int
    starts_at: datetime
    ends_at: datetime
    setup_fees: int | None
    sla: str | None
    category: str | None
    is_active: bool
    after_hours_included: bool
    contract_hours: int | None
    min_increment: int | None
    rollover_unused_hours: bool
    rollover_type: int | None
    rollover_value: int | None
    contract_tickets: int | None
    used: int
    available: int
    rolled_over: int
    extra: int
    periods: list[PeriodUsage]


class ContractPage(BaseModel):
    """One page of contracts and the total matching across all pages."""

    total: int
    items: list[ContractRead]


@dataclass(frozen=True)
class ContractQuery:
    """The list filters; the three include flags default to on."""

    company: str | None = None
    category: str | None = None
    include_inactive: bool = True
    include_expired: bool = True
    include_upcoming: bool = True
    offset: int = 0
