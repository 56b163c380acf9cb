"""What comes in to define or change a custom ticket field (admin API and CLI)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from supportdesk.companies.schemas import valid_text

Label = Annotated[str, Field(max_length=200), AfterValidator(valid_text)]
Choice = Annotated[str, Field(max_length=255), AfterValidator(valid_text)]
FieldType = Literal["text", "paragraph", "number", "decimal", "date", "checkbox", "dropdown",
                    "multi-select"]


class FieldCreate(BaseModel):
    """A new custom ticket field; on the wire it is ``cf_<label>``."""

    model_config = ConfigDict(extra="forbid")

    label: Label = Field(description="Unique, case-insensitive; the wire key is cf_<label>.",
                         examples=["Order Number"])
    field_type: FieldType = Field(examples=["text"])
    choices: list[Choice] = Field(default_factory=list, max_length=500,
                                  description="Required for dropdown and multi-select.",
                                  examples=[[]])


class FieldUpdate(BaseModel):
    """Changes to a custom field; only fields sent change."""

    model_config = ConfigDict(extra="forbid")

    label: Label | None = Field(default=None, description="Renames the wire key cf_<label> "
                                "on every ticket; values are kept.", examples=["Order No"])
    field_type: FieldType | None = Field(default=None, description="Only while no ticket "
                                         "has a value in the field.")
    choices: list[Choice] | None = Field(default=None, max_length=500, description="The "
                                         "complete new list; a choice tickets use cannot go.")
    position: Annotated[int, Field(ge=0, le=1_000_000)] | None = None
