from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from coaching.models import OneOnOne
from headway.people import NAME_ORDER

from .forms import HandoverForm
from .models import Person


def get_person_for_user(request, pk):
    """The person, if the user may hand over their work and deactivate them (an
    administrator, or the leader of one of their teams); else 403."""
    person = get_object_or_404(Person.objects.with_teams(), pk=pk)
    if not Person.objects.managed_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    return person


def people(request):
    """The people the user looks after, with what each still owns: an administrator's are
    everyone, a leader's the members of the teams they lead."""
    managed = Person.objects.managed_by(request.user)
    if not (request.user.is_superuser or managed.exists()):
        raise PermissionDenied
    listed = managed.with_teams().order_by("-is_active", *NAME_ORDER)
    return render(request, "people/people.html", {"people": listed})


def handover(request, pk):
    """What a person still owns (open obstacles, active objectives, their 1:1 series with
    the open action items in them), handed over to others in one go."""
    person = get_person_for_user(request, pk)
    work = person.open_work()
    form = HandoverForm(request.POST if request.method == "POST" else None, work=work)
    if request.method == "POST" and form.is_valid():
        moved = work.hand_over(request.user, **form.cleaned_data)
        messages.success(
            request,
            ngettext("%(count)d thing handed over.", "%(count)d things handed over.", moved)
            % {"count": moved},
        )
        return redirect("people:handover", pk=person.pk)
    # The text of an action item is 1:1 content: shown only to someone in that 1:1.
    readable = set(
        OneOnOne.objects.involving(request.user)
        .filter(pk__in=[item.one_on_one_id for pair in work.series for item in pair.action_items])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "people/handover.html",
        {"person": person, "work": work, "form": form, "readable_one_on_ones": readable},
        status=422 if form.is_bound else 200,
    )


@require_POST
def deactivate(request, pk):
    """Stop the person's sign-in now: deactivated, signed out of every browser."""
    person = get_person_for_user(request, pk)
    if person.is_active:
        ended = person.deactivate(request.user)
        messages.success(
            request,
            ngettext(
                "%(name)s is deactivated and signed out (%(count)d session ended).",
                "%(name)s is deactivated and signed out (%(count)d sessions ended).",
                ended,
            )
            % {"name": person, "count": ended},
        )
    else:
        messages.info(request, _("%(name)s was already deactivated.") % {"name": person})
    return redirect("people:handover", pk=person.pk)
