"""Staff roles as Django groups. Every admin page and action checks model permissions, so a
role is only a list of grants:

- **Viewer**: sees everything, changes nothing.
- **Dispatcher**: a Viewer who handles texting — answers customers' texts from the inbox and
  closes conversations, opts numbers out and back in (with a reason), works the free-text
  opt-out review queue, imports opt-out lists.
- **Manager**: a Dispatcher who also runs the automation — workflow definitions and
  instances (retry, skip, cancel), ServiceTitan syncs and cursors, GHL pushes, stage and
  employee mappings, webhook re-application, task schedules, and queueing a finished task
  again (``config.resubmit_task``).
- Superusers have every permission.

``sync_roles`` is idempotent: the data migration runs it, and so does every ``migrate``
(post_migrate), so permissions of models added later reach the roles too.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

OUR_APPS = ("servicetitan", "workflows", "messaging", "ghl", "config", "django_q")


@dataclass(frozen=True)
class Grant:
    app: str
    actions: tuple[str, ...]
    models: tuple[str, ...] = ()  # empty: every model of the app

    def query(self) -> Q:
        q = Q(content_type__app_label=self.app) & Q(
            codename__regex=rf"^({'|'.join(self.actions)})_")
        return q & Q(content_type__model__in=self.models) if self.models else q


VIEWER = [Grant(app, ("view",)) for app in OUR_APPS]
DISPATCHER = [*VIEWER, Grant("messaging", ("add", "change"),
                             ("communicationpreference", "optoutreview")),
              Grant("messaging", ("change", "reply"), ("conversation",))]
MANAGER = [
    *DISPATCHER,
    Grant("workflows", ("add", "change", "delete"), ("workflowdefinition",)),
    Grant("workflows", ("change",), ("workflowinstance",)),
    Grant("servicetitan", ("change",), ("syncstate",)),
    Grant("ghl", ("change",), ("estimateopportunity", "employee", "webhookdelivery",
                               "conversationoutbox")),
    Grant("ghl", ("add", "change", "delete"), ("stagemapping",)),
    Grant("django_q", ("add", "change", "delete"), ("schedule",)),
    Grant("config", ("resubmit",), ("taskrecord",)),
]

ROLES: dict[str, list[Grant]] = {"Viewer": VIEWER, "Dispatcher": DISPATCHER, "Manager": MANAGER}


def sync_roles(apps=None, using: str = "default") -> None:
    """Create the groups and set exactly their permissions (``apps``: a migration's state)."""
    if apps is None:
        from django.apps import apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in ROLES.items():
        query = Q(pk__in=[])
        for grant in grants:
            query |= grant.query()
        group, _ = Group.objects.using(using).get_or_create(name=name)
        group.permissions.set(Permission.objects.using(using).filter(query))


def sync_roles_after_migrate(sender, app_config, using="default", **kwargs) -> None:
    """post_migrate handler: acts once per migrate, on the last app's signal (by then every
    app's permissions exist). Django signals only the apps that have models, so the last
    such app, not the last app (``sandbox`` has none)."""
    from django.apps import apps

    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if app_config is with_models[-1]:
        sync_roles(using=using)
