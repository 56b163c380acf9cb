"""What comes in to add or change an agent (admin API and CLI)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from supportdesk.companies.schemas import valid_text

AgentName = Annotated[str, Field(max_length=200), AfterValidator(valid_text)]
Role = Literal["admin", "agent"]


class AgentCreate(BaseModel):
    """A new member of the support team."""

    model_config = ConfigDict(extra="forbid")

    email: Annotated[str, Field(max_length=254)] = Field(
        description="Unique in the helpdesk; tickets are assigned by it.",
        examples=["jo.bloggs@acme.example"])
    name: AgentName = Field(examples=["Jo Bloggs"])
    role: Role = Field(default="agent", description="admin or agent.")


class AgentUpdate(BaseModel):
    """Changes to an agent; the email is the agent's identity and cannot change."""

    model_config = ConfigDict(extra="forbid")

    name: AgentName | None = Field(default=None, examples=["Jo Smith"])
    role: Role | None = None
    is_active: bool | None = Field(default=None, description="false deactivates (tickets "
                                   "keep their history), true reactivates.")
