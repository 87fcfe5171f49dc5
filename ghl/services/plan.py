"""What pushing an estimate will send, worked out from the mirror before anything is sent:
the estimate, its customer, the stage mapping for its status, its name, value and assignee.
Everything that can be refused without asking GHL is refused here (``PushError``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ghl.client import GHLClient
from ghl.models import StageMapping
from ghl.services.staff import employee_for
from ghl.services.stages import StageMappingMissing, configured_pipeline_id, mapping_for
from ghl.services.sync import sync
from servicetitan import models as st
from servicetitan import selectors


class PushError(Exception):
    """An estimate could not be pushed; the message says why. ``retryable``: a later attempt
    may succeed (GHL busy or unreachable), rather than needing someone to fix something."""

    def __init__(self, message: str, *, retryable: bool = False):
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class Plan:
    estimate: st.Estimate
    customer: st.Customer
    mapping: StageMapping
    name: str
    value: Decimal
    assigned_to: str | None
    unmapped_sold_by: int | None

    @property
    def marker(self) -> str:
        return f"#{self.estimate.id}"


def plan_push(estimate_id: int, client: GHLClient) -> Plan:
    estimate = selectors.record("estimate", estimate_id)
    if estimate is None:
        raise PushError(f"estimate {estimate_id} is not in the ServiceTitan mirror "
                        f"(sync estimates first)")
    customer_id = selectors.customer_id_for("estimate", estimate.id)
    customer = selectors.customer(customer_id)
    if customer is None:
        raise PushError(f"estimate {estimate_id}: its customer ({customer_id or 'none'}) is "
                        f"not in the ServiceTitan mirror")
    assigned_to, unmapped = _assignee(estimate.sold_by_id)
    return Plan(estimate, customer, _mapping(estimate, client), _name(customer, estimate),
                _value(estimate), assigned_to, unmapped)


def _mapping(estimate: st.Estimate, client: GHLClient) -> StageMapping:
    """The mapping for the estimate's status; on first use a pipelines sync installs the
    defaults."""
    try:
        if not StageMapping.objects.filter(pipeline_id=configured_pipeline_id()).exists():
            sync(["pipelines"], client=client)
        return mapping_for(estimate.status)
    except StageMappingMissing as exc:
        raise PushError(f"estimate {estimate.id}: {exc}") from None


def _assignee(sold_by_id: int | None) -> tuple[str | None, int | None]:
    """(GHL user id, None), or (None, the sold-by id staff still have to map)."""
    if sold_by_id is None:
        return None, None
    person = employee_for(sold_by_id)
    if person.ghl_user is not None and person.ghl_user.active:
        return person.ghl_user_id, None
    return None, sold_by_id


def _name(customer: st.Customer, estimate: st.Estimate) -> str:
    marker = f" #{estimate.id}"
    text = f"{customer.name} – {estimate.name or 'Estimate'}"
    return text[: 255 - len(marker)] + marker


def _value(estimate: st.Estimate) -> Decimal:
    if estimate.total is not None:
        return estimate.total
    return (estimate.subtotal or Decimal(0)) + (estimate.tax or Decimal(0))
