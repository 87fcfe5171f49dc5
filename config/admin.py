"""The task queue in the back office: django-q2's models under the project's own admin
classes instead of django-q2's stock ones, which let anyone who can see a task run it again
and let a schedule name any dotted path (``os.system``) for a worker holding every secret.

- Successful and failed tasks are read-only; "Queue again" needs ``config.resubmit_task``
  (Managers) and only queues declared tasks (``config.taskqueue``).
- A schedule's function is picked from the declared tasks, its arguments are checked against
  the function's signature, and hooks, clusters and queue options cannot be set.
- The ORM broker's queue is read-only.

Arguments are shown with phone numbers and credentials masked.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.defaultfilters import truncatechars
from django_q.conf import Conf
from django_q.models import Failure, OrmQ, Schedule, Success

from config.admin_base import ReadOnlyAdminMixin
from config.logs import mask
from config.taskqueue import TaskRefused, call_text, declared_tasks, parse_call, resubmit

for _model in (Schedule, Success, Failure, OrmQ):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


def _arguments(args, kwargs) -> str:
    parts = [repr(a) for a in args or ()] + [f"{k}={v!r}" for k, v in (kwargs or {}).items()]
    return mask(truncatechars(", ".join(parts), 300))


class ScheduleForm(forms.ModelForm):
    func = forms.ChoiceField(label="Task", choices=(),
                             help_text="One of the tasks the apps declare (their TASKS).")
    args = forms.CharField(
        label="Arguments", required=False, max_length=2000,
        widget=forms.TextInput(attrs={"size": 60}),
        help_text="Python literals, e.g. ['estimates', 'jobs']; checked against the task.")
    kwargs = forms.CharField(
        label="Keyword arguments", required=False, max_length=2000,
        widget=forms.TextInput(attrs={"size": 60}),
        help_text="name=value pairs of Python literals, e.g. resources=['jobs'].")

    class Meta:
        model = Schedule
        fields = ("name", "func", "args", "kwargs", "schedule_type", "minutes", "repeats",
                  "next_run")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["func"].choices = [(path, path) for path in declared_tasks()]
        # Cron expressions need croniter, which is not installed: saving one would fail.
        self.fields["schedule_type"].choices = [
            choice for choice in self.fields["schedule_type"].choices
            if choice[0] != Schedule.CRON]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("schedule_type") == Schedule.MINUTES and not cleaned.get("minutes"):
            self.add_error("minutes", "How many minutes apart?")
        if "func" not in cleaned:
            return cleaned
        try:
            call = parse_call(cleaned["func"], cleaned.get("args") or "",
                              cleaned.get("kwargs") or "")
        except ValidationError as exc:
            self.add_error(None, exc)
            return cleaned
        args, kwargs = call_text(*call)
        cleaned["args"], cleaned["kwargs"] = args or None, kwargs or None
        return cleaned


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    form = ScheduleForm
    list_display = ("name", "func", "arguments", "schedule_type", "minutes", "repeats",
                    "next_run", "declared")
    list_filter = ("schedule_type",)
    search_fields = ("name", "func")

    @admin.display(description="arguments")
    def arguments(self, obj):
        return mask(truncatechars(", ".join(filter(None, [obj.args, obj.kwargs])), 300))

    @admin.display(description="declared task", boolean=True)
    def declared(self, obj):
        return obj.func in declared_tasks()


class FinishedTaskAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only; the one action queues the task's function again with its arguments."""

    allow = frozenset({"delete"})

    list_display = ("name", "func", "group", "started", "stopped")
    list_filter = ("group",)
    search_fields = ("name", "func", "group")
    fields = ("id", "name", "func", "arguments", "group", "started", "stopped",
              "attempt_count", "outcome")
    readonly_fields = fields
    actions = ("queue_again",)

    def has_resubmit_permission(self, request) -> bool:
        return request.user.has_perm("config.resubmit_task")

    @admin.display(description="arguments")
    def arguments(self, obj):
        return _arguments(obj.args, obj.kwargs)

    @admin.display(description="result")
    def outcome(self, obj):
        return mask(truncatechars(str(obj.result), 2000))

    @admin.action(description="Queue again (runs the task once more)",
                  permissions=["resubmit"])
    def queue_again(self, request, queryset):
        queued = 0
        for task in queryset:
            try:
                resubmit(task)
                queued += 1
            except TaskRefused as exc:
                self.message_user(request, str(exc), messages.WARNING)
        if queued:
            self.message_user(request, f"{queued} task(s) queued again", messages.SUCCESS)


@admin.register(Success)
class SuccessAdmin(FinishedTaskAdmin):
    empty_hint = "No task has finished yet. The cluster (manage.py qcluster) runs them."


@admin.register(Failure)
class FailureAdmin(FinishedTaskAdmin):
    empty_hint = "No failed tasks."
    list_display = (*FinishedTaskAdmin.list_display, "short_result")

    @admin.display(description="result")
    def short_result(self, obj):
        return mask(truncatechars(str(obj.result), 100))


class QueueAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    empty_hint = "Nothing is waiting: the cluster has taken every queued task."
    """What the ORM broker holds right now; read-only."""

    allow = frozenset({"delete"})

    list_display = ("id", "name", "func", "lock", "key")
    list_filter = ("key",)
    fields = ("id", "key", "lock", "name", "func", "arguments")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).using(Conf.ORM)

    @admin.display(description="arguments")
    def arguments(self, obj):
        return _arguments(obj.args(), obj.kwargs())


if Conf.ORM or Conf.TESTING:
    admin.site.register(OrmQ, QueueAdmin)
