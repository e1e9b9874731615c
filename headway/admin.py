"""The shared base's administration: the e-mails Headway sent, the job queue, the reminder
schedule and people's preferences."""

from django.contrib import admin, messages
from django.db.models import Min, OuterRef, Subquery
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from procrastinate.contrib.django.models import ProcrastinateEvent, ProcrastinateJob

from . import emails, jobs
from .models import Email, Job, Preference, Schedule


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    """What was sent to whom, when, and what failed. The bodies are not shown: a 1:1's
    preparation is for its pair alone, and an administrator sees no 1:1's content."""

    list_display = ["subject", "to", "kind", "status", "attempts", "queued_at", "sent_at"]
    list_filter = ["status", "kind", "queued_at", "sent_at"]
    search_fields = ["to", "subject", "recipient__username", "recipient__last_name", "key"]
    list_select_related = ["recipient"]
    date_hierarchy = "queued_at"
    fields = [
        "subject",
        "recipient",
        "to",
        "kind",
        "language",
        "status",
        "attempts",
        "last_error",
        "queued_at",
        "sent_at",
        "key",
    ]
    readonly_fields = fields
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send the selected failed e-mails again"))
    def send_again(self, request, queryset):
        count = emails.send_again(queryset)
        self.message_user(
            request,
            ngettext("%(count)d e-mail queued again.", "%(count)d e-mails queued again.", count)
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )


JOB_STATUSES = {
    "todo": _("Waiting"),
    "doing": _("Running"),
    "succeeded": _("Done"),
    "failed": _("Failed"),
    "cancelled": _("Cancelled"),
    "aborted": _("Aborted"),
}


class JobStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return list(JOB_STATUSES.items())

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """The queue: what waits, runs and failed, with the queue's health above the list. Jobs
    that succeeded are deleted by the workers; what they sent is under E-mails."""

    list_display = ["id", "task_name", "job_status", "attempts", "queued_at", "scheduled_at"]
    list_filter = [JobStatusFilter, "task_name"]
    search_fields = ["task_name", "args"]
    ordering = ["-id"]
    fields = ["task_name", "job_status", "args", "attempts", "queued_at", "scheduled_at", "lock"]
    readonly_fields = fields
    actions = ["retry_jobs"]
    change_list_template = "admin/headway/job/change_list.html"

    def get_queryset(self, request):
        deferred = ProcrastinateEvent.objects.filter(job=OuterRef("pk"), type="deferred")
        return (
            super()
            .get_queryset(request)
            .annotate(
                queued=Subquery(
                    deferred.order_by().values("job").annotate(at=Min("at")).values("at")[:1]
                )
            )
        )

    @admin.display(description=_("status"), ordering="status")
    def job_status(self, job):
        return JOB_STATUSES.get(job.status, job.status)

    @admin.display(description=_("queued"), ordering="queued")
    def queued_at(self, job):
        return job.queued

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "health": jobs.queue_health()}
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Run the selected failed jobs again"))
    def retry_jobs(self, request, queryset):
        failed = list(queryset.filter(status="failed"))
        for job in failed:
            jobs.app.job_manager.retry_job_by_id(
                job.id, timezone.now(), job.priority, job.queue_name, job.lock
            )
        self.message_user(
            request,
            ngettext("%(count)d job queued again.", "%(count)d jobs queued again.", len(failed))
            % {"count": len(failed)},
            messages.SUCCESS if failed else messages.WARNING,
        )


# Procrastinate's own job admin is replaced by the one above (translated, with the health).
if admin.site.is_registered(ProcrastinateJob):
    admin.site.unregister(ProcrastinateJob)


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    """The one schedule: its list opens it. (No "add": the admin asks every model whether it
    may be added on every page, and this one would cost a query to answer.)"""

    def changelist_view(self, request, extra_context=None):
        schedule, _created = Schedule.objects.get_or_create(pk=1)
        return redirect("admin:headway_schedule_change", schedule.pk)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "language", "time_zone", "digest_day", "emails_off"]
    list_filter = ["language", "digest_day"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "time_zone"]
    raw_id_fields = ["user"]
