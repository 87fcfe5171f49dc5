"""Service functions: every write to definitions and instances goes through here."""

from workflows.services.definitions import (
    definition_export,
    definition_save,
    definition_set_active,
    definitions_import,
    steps_as_viewers_read,
)
from workflows.services.instances import (
    InstanceActionError,
    cancel_instance,
    cancel_instances_for_customer,
    retry_instance,
    skip_step,
    start_instance_manually,
)

__all__ = [
    "InstanceActionError",
    "cancel_instance",
    "cancel_instances_for_customer",
    "definition_export",
    "definition_save",
    "definition_set_active",
    "definitions_import",
    "retry_instance",
    "skip_step",
    "start_instance_manually",
    "steps_as_viewers_read",
]
