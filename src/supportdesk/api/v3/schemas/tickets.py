"""Ticket, reply and note request bodies (Desk365 names, both spellings accepted)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
)


def _int_like(value: Any) -> Any:
    """Accept 10 and "10" for numeric fields; clients send both.

    Booleans and non-ASCII digits are refused: they are not what a client meant.
    """
    if isinstance(value, bool):
        raise ValueError("must be a number, not true or false")
    text = value.strip() if isinstance(value, str) else None
    if text == "":
        return None
    if text is not None and text.isascii() and text.lstrip("-").isdigit():
        return int(text)
    if text is not None:
        raise ValueError("must be a whole number")
    return value


def _storable(value: Any) -> None:
    """Refuse text no database can store: NUL characters and lone surrogates."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("must be valid Unicode text (it has a lone surrogate)") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _storable(key)
            _storable(item)
    elif isinstance(value, list):
        for item in value:
            _storable(item)


def _flag(value: Any) -> Any:
    if isinstance(value, str) and value.strip() in ("0", "1"):
        return int(value.strip())
    if isinstance(value, bool):
        return int(value)
    return value


OptionalIntLike = Annotated[int | None, BeforeValidator(_int_like)]
Flag = Annotated[int, BeforeValidator(_flag), Field(ge=0, le=1)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @field_validator("*", mode="before")
    @classmethod
    def _storable_text(cls, value: Any) -> Any:
        _storable(value)
        return value


class CreateTicketBody(_Body):
    """``POST tickets/create``: the ticket to open. Only ``email`` and ``subject`` are needed."""

    email: str = Field(description="Contact's email; the contact is created if unknown",
                       examples=["customer@example.com"])
    subject: str = Field(examples=["Printer not working"])
    description: str | None = Field(None, description="HTML; sanitized before it is stored",
                                    examples=["<div>Please fix it</div>"])
    status: str | None = Field(None, examples=["Open"])
    priority: OptionalIntLike = Field(None, description="1 Low, 5 Medium, 10 High, 20 Urgent",
                                     examples=[10])
    type: str | None = Field(None, examples=["Question"])
    assign_to: str | None = Field(None, validation_alias=AliasChoices("assign_to", "assigned_to"),
                                  description="Agent email", examples=["agent@example.com"])
    group: str | None = Field(None, examples=["Sales"])
    category: str | None = Field(None, examples=["Hardware"])
    sub_category: str | None = Field(
        None, validation_alias=AliasChoices("sub_category", "subcategory"), examples=["Printer"])
    form_name: str | None = Field(None, max_length=200, examples=["Create Ticket"])
    custom_fields: dict[str, Any] | None = Field(
        None, description='Keys "cf_<Label>" exactly as the field is labelled',
        examples=[{"cf_Department": "Sales"}])
    watchers: list[str] | None = Field(None, description="Agent emails",
                                       examples=[["agent@example.com"]])
    share_to: list[str] | None = Field(None, description="Contact emails",
                                       examples=[["colleague@example.com"]])


class AddRemove(_Body):
    """A change to a list: emails to add and emails to remove."""

    add: list[str] = Field(default_factory=list)
    remove: list[str] = Field(default_factory=list)


class UpdateTicketBody(_Body):
    """``PUT tickets/update``: only the fields present change; ``"--"`` unassigns."""

    subject: str | None = None
    description: str | None = None
    sla: str | None = Field(None, description='SLA policy name, or "No SLA Policy"')
    status: str | None = None
    priority: OptionalIntLike = None
    type: str | None = None
    assign_to: str | None = Field(None, validation_alias=AliasChoices("assign_to", "assigned_to"))
    group: str | None = None
    category: str | None = None
    sub_category: str | None = Field(
        None, validation_alias=AliasChoices("sub_category", "subcategory"))
    contact_email: str | None = None
    custom_fields: dict[str, Any] | None = None
    watchers: AddRemove | None = None
    share_to: AddRemove | None = None


class AddReplyBody(_Body):
    """``POST tickets/add_reply``: an agent's reply emailed to the contact."""

    body: str = Field(examples=["We are working on this issue. Will keep you updated."])
    cc_emails: str | None = Field(None, description="Comma-separated emails",
                                  examples=["jon@example.com"])
    bcc_emails: str | None = Field(None, description="Comma-separated emails")
    agent_email: str | None = Field(None, examples=["agent@example.com"])
    from_email: str | None = None
    include_prev_ccs: Flag = 0
    include_prev_messages: Flag = 0


class AddNoteBody(_Body):
    """``POST tickets/add_note``: a private (default) or public note."""

    body: str = Field(examples=["Checked the logs; waiting on the vendor."])
    agent_email: str | None = None
    notify_emails: str | None = Field(None, description="Comma-separated agent emails")
    private_note: Flag = 1
