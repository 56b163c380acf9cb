"""Imports every model module so ``Base.metadata`` is complete (Alembic, tests)."""

from __future__ import annotations

from supportdesk.agents import models as agents_models
from supportdesk.assets import models as assets_models
from supportdesk.attachments import models as attachments_models
from supportdesk.catalog import models as catalog_models
from supportdesk.companies import models as companies_models
from supportdesk.contacts import models as contacts_models
from supportdesk.contracts import models as contracts_models
from supportdesk.customfields import models as customfields_models
from supportdesk.db import sequences
from supportdesk.db.base import Base
from supportdesk.idempotency import models as idempotency_models
from supportdesk.kb import models as kb_models
from supportdesk.ratelimit import models as ratelimit_models
from supportdesk.search import models as search_models
from supportdesk.sla import models as sla_models
from supportdesk.surveys import models as surveys_models
from supportdesk.tenancy import models as tenancy_models
from supportdesk.tickets import models as tickets_models
from supportdesk.timetracking import models as timetracking_models

MODEL_MODULES = (
    agents_models, assets_models, attachments_models, catalog_models, companies_models,
    contacts_models, contracts_models, customfields_models, idempotency_models, kb_models,
    ratelimit_models, search_models, sequences, sla_models, surveys_models, tenancy_models,
    tickets_models, timetracking_models,
)

metadata = Base.metadata
