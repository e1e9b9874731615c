import csv

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from headway.models import Identity
from headway.people import display_name
from objectives.models import Membership, Team

from . import roster
from .forms import RosterConfirmForm, RosterUploadForm
from .models import Person, with_teams

User = get_user_model()
# The session key of an uploaded CSV file waiting for its confirmation.
ROSTER_KEY = "people_roster"


class TeamFilter(admin.SimpleListFilter):
    title = gettext_lazy("team")
    parameter_name = "team"

    def lookups(self, request, model_admin):
        return [(team.pk, team.name) for team in Team.objects.active().only("pk", "name")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(
                Q(memberships__team=self.value()) | Q(led_teams=self.value())
            ).distinct()
        return queryset


class RoleFilter(admin.SimpleListFilter):
    title = gettext_lazy("role")
    parameter_name = "role"
    LEADER = "leader"

    def lookups(self, request, model_admin):
        return [(self.LEADER, _("Leader")), *Membership.Role.choices]

    def queryset(self, request, queryset):
        if self.value() == self.LEADER:
            return queryset.filter(led_teams__archived=False).distinct()
        if self.value() in Membership.Role.values:
            return queryset.filter(memberships__role=self.value()).distinct()
        return queryset


class IdentityInline(admin.TabularInline):
    """The person's link to the identity provider: deleting it unlinks them; adding one by
    hand is how a superuser, never linked by e-mail alone, gets single sign-on."""

    model = Identity
    extra = 0
    fields = ["issuer", "subject", "linked_at", "last_signed_in_at"]
    readonly_fields = ["linked_at", "last_signed_in_at"]


admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(UserAdmin):
    """People: their teams and roles, 1:1 series and last sign-in at a glance; deactivation
    that signs them out at once; import from and export to a CSV file."""

    list_display = [
        "username",
        "full_name",
        "email",
        "teams_and_roles",
        "is_active",
        "last_login",
        "single_sign_on",
    ]
    list_filter = [TeamFilter, RoleFilter, "is_active", "is_staff", "is_superuser"]
    search_fields = ["username", "first_name", "last_name", "email"]
    readonly_fields = ["teams_and_roles", "one_on_one_series", "last_login", "date_joined"]
    fieldsets = [
        *UserAdmin.fieldsets,
        (gettext_lazy("In Headway"), {"fields": ["teams_and_roles", "one_on_one_series"]}),
    ]
    inlines = [IdentityInline]
    actions = ["deactivate"]
    change_list_template = "admin/people/person_change_list.html"
    change_form_template = "admin/people/person_change_form.html"

    def get_queryset(self, request):
        # Users, not Person proxies: the administration names them by username, as its
        # autocomplete fields do.
        return with_teams(super().get_queryset(request)).prefetch_related("identities")

    @admin.display(description=gettext_lazy("name"), ordering="last_name")
    def full_name(self, person):
        return person.get_full_name()

    @admin.display(description=gettext_lazy("teams and roles"))
    def teams_and_roles(self, person):
        led = [(team.name, _("leader")) for team in person.led_teams.all()]
        member = [(m.team.name, m.get_role_display().lower()) for m in person.memberships.all()]
        return format_html_join(", ", "{} ({})", led + member) or "—"

    @admin.display(description=gettext_lazy("single sign-on"), boolean=True)
    def single_sign_on(self, person):
        return bool(person.identities.all())

    @admin.display(description=gettext_lazy("1:1 series"))
    def one_on_one_series(self, person):
        """Who they meet and how often; never what was said (1:1s are their pair's alone)."""
        series = list(Person.objects.get(pk=person.pk).one_on_one_series())
        if not series:
            return "—"
        people = User.objects.in_bulk({row[name] for row in series for name in ("leader", "pm")})
        teams = Team.objects.in_bulk({row["team"] for row in series})
        rows = []
        for row in series:
            other = people[row["pm"] if row["leader"] == person.pk else row["leader"]]
            rows.append(
                (
                    _("with %(name)s (%(team)s)")
                    % {"name": display_name(other), "team": teams[row["team"]]},
                    ngettext("%(count)d held", "%(count)d held", row["held"])
                    % {"count": row["held"]},
                    _("last %(date)s") % {"date": _date(row["last_held_at"])}
                    if row["last_held_at"]
                    else _("never held"),
                    _("next %(date)s") % {"date": _date(row["next_at"])} if row["next_at"] else "",
                )
            )
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}: {}, {} {}</li>", rows))

    @admin.action(description=gettext_lazy("Deactivate the selected people and sign them out"))
    def deactivate(self, request, queryset):
        people = Person.objects.filter(pk__in=queryset, is_active=True).exclude(pk=request.user.pk)
        if queryset.filter(pk=request.user.pk).exists():
            self.message_user(request, _("You cannot deactivate yourself."), messages.WARNING)
        for person in people:
            ended = person.deactivate(request.user)
            self.message_user(
                request,
                format_html(
                    "{} <a href='{}'>{}</a>",
                    ngettext(
                        "%(name)s is deactivated (%(count)d session ended).",
                        "%(name)s is deactivated (%(count)d sessions ended).",
                        ended,
                    )
                    % {"name": person, "count": ended},
                    reverse("people:handover", args=[person.pk]),
                    _("Hand over what they still own"),
                ),
                messages.SUCCESS,
            )

    # --- CSV import and export --------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_roster), name="auth_user_import"),
            path("export/", view(self.export_roster), name="auth_user_export"),
            *super().get_urls(),
        ]

    def _may_import(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def import_roster(self, request):
        """Upload → preview (created, changed, unchanged; errors by line) → confirm. The
        file waits in the session (PostgreSQL, shared by every app server) and is read
        again on confirmation: only the plan that was previewed is applied."""
        if not self._may_import(request):
            raise PermissionDenied
        plan, upload_form = None, RosterUploadForm()
        if request.method == "POST" and "digest" in request.POST:
            return self._confirm_import(request)
        if request.method == "POST":
            upload_form = RosterUploadForm(request.POST, request.FILES)
            if upload_form.is_valid():
                data = upload_form.cleaned_data["file"].read()
                remove = upload_form.cleaned_data["remove_missing"]
                plan = roster.read(data, remove_missing=remove)
                if plan.is_valid:
                    request.session[ROSTER_KEY] = {
                        "text": data.decode("utf-8-sig"),
                        "remove_missing": remove,
                        "digest": plan.digest,
                    }
        return self._import_page(request, upload_form, plan)

    def _confirm_import(self, request):
        form = RosterConfirmForm(request.POST)
        pending = request.session.get(ROSTER_KEY)
        if not (form.is_valid() and pending and pending["digest"] == form.cleaned_data["digest"]):
            self.message_user(
                request, _("That preview has expired: upload the file again."), messages.ERROR
            )
            return redirect("admin:auth_user_import")
        plan = roster.read(pending["text"].encode(), remove_missing=pending["remove_missing"])
        if not plan.is_valid or plan.digest != pending["digest"]:
            # Someone changed people or teams since the preview: show what it would do now.
            self.message_user(
                request,
                _("People or teams changed since the preview. Check it again."),
                messages.WARNING,
            )
            if plan.is_valid:
                pending["digest"] = plan.digest
                request.session[ROSTER_KEY] = pending
            return self._import_page(request, RosterUploadForm(), plan)
        written = plan.apply()
        del request.session[ROSTER_KEY]
        self.message_user(
            request,
            _(
                "Imported: %(people)d people created, %(renamed)d renamed, %(teams)d teams "
                "created, %(leaders)d leaders changed, %(memberships)d memberships added, "
                "%(roles)d roles changed, %(removed)d memberships removed."
            )
            % written,
            messages.SUCCESS,
        )
        return redirect("admin:auth_user_changelist")

    def _import_page(self, request, upload_form, plan):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import people from a CSV file"),
            "upload_form": upload_form,
            "plan": plan,
            "confirm_form": RosterConfirmForm(initial={"digest": plan.digest}) if plan else None,
        }
        refused = upload_form.is_bound and not upload_form.is_valid()
        status = 422 if refused or (plan is not None and not plan.is_valid) else 200
        return TemplateResponse(request, "admin/people/import.html", context, status=status)

    def export_roster(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="headway-people-{stamp}.csv"'
        csv.writer(response).writerows(roster.export_rows())
        return response


def _date(moment):
    return formats.date_format(timezone.localtime(moment), "DATE_FORMAT")
