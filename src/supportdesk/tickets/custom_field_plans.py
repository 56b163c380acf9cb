"""How a list call reads ``custom_fields`` filters: from the kept counts and the value index.

``tickets/field_values.py`` keeps ``ticket_field_values`` (a row per ticket,
field and value) and ``ticket_field_counts``; this module decides, per call,
how the count and the page use them (see docs/architecture.md, "A request
step by step"): a count of one key is a sum of kept counts; a key few tickets
hold drives both statements from its rows; other keys are probed per ticket,
or matched as a set of numbers when that reads fewer rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import FromClause, text

from supportdesk.tickets import counters, field_values
from supportdesk.tickets.filters import ID_KEYS, UNSET, TicketFilter, candidate_numbers, resolve
from supportdesk.tickets.reads import TICKETS
from supportdesk.unit import TenantUnit

CUSTOM_PLANS = "supportdesk_custom_plans"
# A custom field key whose wanted values at most this many tickets hold drives
# the count and the page: its tickets are read from ticket_field_values and
# fetched by number. Otherwise the value index is probed for each ticket that
# the order index (or another filter's index) yields, which finds a page of a
# common value after a few hundred tickets but walks them all for a rare one.
# At 1,000,000 tickets SQLite drives through about 350 candidates a millisecond
# (116,000 in 330 ms), so this bounds a driven page near 15 ms.
DRIVING_ROWS = 5_000
# What probing the value index for one ticket costs against reading one of its
# rows into a set (SQLite at 1,000,000 tickets: 28,000 open tickets probed in
# 23 ms; 116,000 Sales rows read and 28,000 looked up in 39 ms).
PROBE_COST = 3


@dataclass(frozen=True)
class CustomFields:
    """The kept counts of a filter's indexed ``custom_fields`` keys' values, and the driver.

    ``counts`` maps a field key to its wanted texts' counts (with
    ``ANY_VALUE`` when ``--`` is wanted); ``driver`` is the key whose
    tickets the statements start from, if any.
    """

    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    driver: str | None = None


def custom_fields(unit: TenantUnit, flt: TicketFilter) -> CustomFields:
    """Read the kept counts of ``flt``'s custom field values: a statement per key."""
    counts: dict[str, dict[str, int]] = {}
    candidates: dict[str, int] = {}
    for key, values in flt.custom.items():
        definition = unit.catalog.field_by_key.get(key)
        if definition is None or not field_values.is_indexed(definition):
            continue
        texts = field_values.filter_texts(definition, [v for v in values if v != UNSET])
        wanted = texts + ([field_values.ANY_VALUE] if UNSET in values else [])
        counts[key] = field_values.value_counts(unit.session, definition.id, wanted)
        if texts and UNSET not in values:
            # At most: a multi-select ticket is counted once per value it holds.
            candidates[key] = sum(counts[key][text] for text in texts)
    driver = min(candidates, key=lambda key: candidates[key], default=None)
    if driver is not None and candidates[driver] > DRIVING_ROWS:
        driver = None
    return CustomFields(counts=counts, driver=driver)


def plan_each_call(unit: TenantUnit, flt: TicketFilter) -> None:
    """On PostgreSQL, plan this transaction's statements for their own parameters.

    psycopg prepares a statement run five times on a connection, and
    PostgreSQL may then keep one generic plan for any parameters, estimating
    a custom field value at the average number of tickets per distinct value
    (a handful, with a text field's many values): for a common choice it then
    starts from its ~100,000 tickets and looks each one up, 400 ms where a
    plan for the value itself takes 40. A statement with custom field terms
    is planned for its values, once per transaction (``SET LOCAL``).
    """
    session = unit.session
    if not flt.custom or session.get_bind().dialect.name != "postgresql":
        return
    transaction = session.get_transaction()
    if transaction is None or session.info.get(CUSTOM_PLANS) is not transaction:
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
        session.info[CUSTOM_PLANS] = session.get_transaction()


def custom_field_count(unit: TenantUnit, flt: TicketFilter, fields: CustomFields) \
        -> int | None:
    """The count for a filter of one indexed custom field key, without reading tickets.

    Tickets with one of the wanted values, plus (for ``--``) every ticket
    but those with a value. A multi-select ticket may hold several wanted
    values, so those are counted once each on the value index.
    """
    ((key, values),) = flt.custom.items()
    definition = unit.catalog.field_by_key.get(key)
    if definition is None or key not in fields.counts:
        return None
    found = fields.counts[key]
    texts = [text for text in found if text != field_values.ANY_VALUE]
    if definition.field_type == "multi-select" and len(texts) > 1:
        total = field_values.tickets_with(unit.session, definition.id, texts)
    else:
        total = sum(found[text] for text in texts)
    if UNSET in values:
        total += counters.total_count(unit.session) - found[field_values.ANY_VALUE]
    return total


def source(unit: TenantUnit, flt: TicketFilter, fields: CustomFields) -> FromClause:
    """What the count and the page select from: tickets, or the driver's tickets."""
    if fields.driver is None:
        return TICKETS
    definition = unit.catalog.field_by_key[fields.driver]
    candidates = candidate_numbers(definition, flt.custom[fields.driver])
    return candidates.join(TICKETS, TICKETS.c.number == candidates.c.ticket_number)


def counted_as_sets(unit: TenantUnit, flt: TicketFilter, fields: CustomFields) \
        -> frozenset[str]:
    """The custom field keys a count matches as sets of numbers rather than by probes.

    Probing for one ticket costs about ``PROBE_COST`` times what reading one
    row into the set does: a key with fewer rows (by its kept counts) than
    that many times the tickets the other keys leave is read as a set. Those
    tickets are estimated by the kept counts of the filter's ``ID_KEYS`` (the
    smallest), or all tickets. With a driver, the other keys are checked on
    its few tickets: probes.
    """
    if fields.driver is not None or not fields.counts:
        return frozenset()
    remaining = [counters.key_count(unit.session, key, resolve(key, values, unit.catalog))
                 for key, values in flt.terms.items() if key in ID_KEYS]
    others = min(remaining) if remaining else counters.total_count(unit.session)
    return frozenset(key for key, counts in fields.counts.items()
                     if sum(counts.values()) < others * PROBE_COST)
