"""Headway's JSON API, version 1 (/api/v1/), built with django-ninja.

Every operation acts as the owner of the personal access token that authenticates it: the
token's owner becomes request.user, and reads and writes go through the same permission
helpers, forms and model methods as the pages (objectives.views.get_team_for_user,
obstacles.views.get_obstacle_for_user, CheckInForm, ObstacleForm, Obstacle.edit...), so
the API can do exactly what its owner can do in Headway, with the same validation and the
same history. A read-only token is refused every write.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Value
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import NinjaAPI, Status
from ninja.errors import ValidationError as SchemaError
from ninja.security import HttpBearer

from coaching.models import Learning
from headway.lists import page_of
from headway.locking import Conflict
from headway.permissions import Action, allows
from objectives.forms import CheckInForm
from objectives.models import KeyResult, Objective, Quarter, QuarterClosing, Team
from objectives.views import get_team_for_user
from obstacles.forms import (
    CommentForm,
    LogFilterForm,
    ObstacleForm,
    OwnerForm,
    StatusForm,
)
from obstacles.models import Obstacle, ObstacleEvent
from obstacles.views import get_obstacle_for_user

from . import schemas
from .models import AccessToken

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


class Refusal(Exception):
    """A request refused before it reached its operation, with its status and headers."""

    def __init__(self, status, detail, headers=None):
        super().__init__(detail)
        self.status, self.detail, self.headers = status, detail, headers or {}


class FormRefused(Exception):
    """The input did not pass the form the pages use: 422, with the form's messages."""

    def __init__(self, form):
        super().__init__("invalid input")
        self.errors = {name: list(messages) for name, messages in form.errors.items()}


class TokenAuth(HttpBearer):
    """Authorization: Bearer hw_…: a usable token, within its rate limit."""

    def __call__(self, request):
        scheme, _space, raw = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            raise unauthorized(_("Send a personal access token: Authorization: Bearer <token>."))
        return self.authenticate(request, raw.strip())

    def authenticate(self, request, token):
        access = AccessToken.find(token)
        if access is None:
            raise unauthorized(_("This token is not valid."))
        if access.is_revoked:
            raise unauthorized(_("This token was revoked."))
        if access.is_expired():
            raise unauthorized(_("This token has expired."))
        if not access.user.is_active:
            raise unauthorized(_("This token’s owner is deactivated."))
        wait = access.count_request()
        if wait is not None:
            raise Refusal(
                429,
                _("Too many requests with this token: wait %(seconds)d seconds.")
                % {"seconds": wait},
                {"Retry-After": str(wait)},
            )
        request.user = access.user
        return access


def unauthorized(detail):
    return Refusal(401, detail, {"WWW-Authenticate": 'Bearer realm="Headway"'})


api = NinjaAPI(
    title="Headway API",
    version="1",
    description=gettext_noop(
        "Read teams, quarters, objectives with their key results, obstacles and learnings; "
        "record check-ins; log and update obstacles. Authenticate with a personal access "
        "token: Authorization: Bearer <token>."
    ),
    urls_namespace="api-v1",
    docs_url=None,
    auth=TokenAuth(),
)


def answer(request, status, body, headers=None):
    response = api.create_response(request, body, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@api.exception_handler(Refusal)
def refused(request, error):
    return answer(request, error.status, {"detail": error.detail}, error.headers)


@api.exception_handler(Http404)
def not_found(request, error):
    return answer(request, 404, {"detail": _("Not found.")})


@api.exception_handler(PermissionDenied)
def forbidden(request, error):
    return answer(request, 403, {"detail": _("Your role does not allow this on this team.")})


@api.exception_handler(FormRefused)
def form_refused(request, error):
    detail = _("The request was refused: see the messages for each field.")
    return answer(request, 422, {"detail": detail, "errors": error.errors})


@api.exception_handler(SchemaError)
def schema_refused(request, error):
    errors = {}
    for problem in error.errors:
        location = [str(part) for part in problem.get("loc", ()) if part not in ("body", "payload")]
        errors.setdefault(".".join(location) or "__all__", []).append(problem.get("msg", ""))
    detail = _("The request was refused: see the messages for each field.")
    return answer(request, 422, {"detail": detail, "errors": errors})


@api.exception_handler(ValidationError)
def rule_refused(request, error):
    """A model's rule refused a change the form had let through: 422, as a form's messages."""
    errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    detail = _("The request was refused: see the messages for each field.")
    return answer(request, 422, {"detail": detail, "errors": errors})


@api.exception_handler(Conflict)
def conflicted(request, error):
    """Someone changed the obstacle since the version sent: 409, with the obstacle as it is
    now (only obstacles carry a version in the API)."""
    current = obstacles_for_api().get(pk=error.current.pk)
    body = {
        "detail": _("Someone changed this obstacle since the version your change is based on."),
        "current": schemas.ObstacleOut.from_orm(current).model_dump(),
    }
    return answer(request, 409, body)


def require_write(request):
    if not request.auth.can_write:
        raise Refusal(403, _("This token may only read: create one with the write scope."))


READ = {401: schemas.Error, 404: schemas.Error, 422: schemas.FormErrors, 429: schemas.Error}
WRITE = {**READ, 403: schemas.Error}


def paginated(request, queryset, page, page_size):
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    found = page_of(queryset, page, page_size)

    def link(number):
        query = request.GET.copy()
        query["page"] = number
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": found.paginator.count,
        "page": found.number,
        "pages": found.paginator.num_pages,
        "next": link(found.next_page_number()) if found.has_next() else None,
        "previous": link(found.previous_page_number()) if found.has_previous() else None,
        "results": found.object_list,
    }


def form_data(values):
    """JSON values as the form data the pages post: lists repeat their key, booleans are a
    ticked box or none, dates ISO, nothing is an empty field."""
    data = QueryDict(mutable=True)
    for name, value in values.items():
        if isinstance(value, list | tuple):
            data.setlist(name, [str(item) for item in value])
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is None:
            data[name] = ""
        elif hasattr(value, "isoformat"):
            data[name] = value.isoformat()
        else:
            data[name] = str(value)
    return data


def named_quarter(label):
    """The quarter of label, else the current one; 404 for a label no quarter has."""
    if label:
        return get_object_or_404(Quarter, label=label)
    return Quarter.objects.current()


# --- Account ---------------------------------------------------------------------------


@api.get(
    "/me",
    response={200: schemas.Me, **READ},
    tags=[gettext_noop("Account")],
    summary=gettext_noop("The token’s owner, scope and rate limit"),
)
def me(request):
    return {
        "user": request.user,
        "scope": request.auth.scope,
        "token_name": request.auth.name,
        "rate_limit": settings.API_RATE_LIMIT,
        "rate_window_seconds": settings.API_RATE_WINDOW,
    }


# --- Quarters and teams ----------------------------------------------------------------


@api.get(
    "/quarters",
    response={200: list[schemas.Quarter], **READ},
    tags=[gettext_noop("Teams")],
    summary=gettext_noop("Every quarter, the current one marked"),
)
def quarters(request):
    current = Quarter.objects.current()
    return [
        {"label": q.label, "start": q.start, "end": q.end, "is_current": q == current}
        for q in Quarter.objects.order_by("start")
    ]


def teams_with_standing(quarter):
    teams = Team.objects.select_related("leader")
    if quarter is None:
        none = Value(None)
        return teams.annotate(
            quarter_label=Value(""),
            progress=none,
            expected=none,
            latest_confidence=none,
        )
    return teams.with_pace(quarter).annotate(quarter_label=Value(quarter.label))


@api.get(
    "/teams",
    response={200: schemas.Page[schemas.TeamStanding], **READ},
    tags=[gettext_noop("Teams")],
    summary=gettext_noop("Teams and where each stands in a quarter"),
    description=gettext_noop(
        "Active teams with their progress and pace; quarter is a label, the current quarter "
        "if left out."
    ),
)
def teams(
    request,
    quarter: str | None = None,
    archived: bool = False,
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
):
    found = teams_with_standing(named_quarter(quarter))
    if not archived:
        found = found.active()
    return paginated(request, found.order_by("name"), page, page_size)


@api.get(
    "/teams/{slug}",
    response={200: schemas.TeamStanding, **READ},
    tags=[gettext_noop("Teams")],
    summary=gettext_noop("One team and where it stands in a quarter"),
)
def team(request, slug: str, quarter: str | None = None):
    team = get_team_for_user(request, slug)
    return teams_with_standing(named_quarter(quarter)).get(pk=team.pk)


# --- Objectives, key results and check-ins ---------------------------------------------


def objectives_with_key_results():
    return (
        Objective.objects.with_progress()
        .select_related("team", "quarter", "owner")
        .prefetch_related(
            Prefetch(
                "key_results", KeyResult.objects.with_latest_check_in().select_related("owner")
            )
        )
    )


@api.get(
    "/teams/{slug}/objectives",
    response={200: schemas.Page[schemas.ObjectiveOut], **READ},
    tags=[gettext_noop("Objectives")],
    summary=gettext_noop("A team’s objectives for a quarter, with their key results"),
    description=gettext_noop(
        "In the team page’s order, with progress and pace; the current quarter if quarter is "
        "left out."
    ),
)
def team_objectives(
    request,
    slug: str,
    quarter: str | None = None,
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
):
    team = get_team_for_user(request, slug)
    found = objectives_with_key_results().filter(team=team, quarter=named_quarter(quarter))
    return paginated(request, found.order_by("order", "pk"), page, page_size)


@api.get(
    "/objectives/{objective_id}",
    response={200: schemas.ObjectiveOut, **READ},
    tags=[gettext_noop("Objectives")],
    summary=gettext_noop("One objective, with its key results"),
)
def objective(request, objective_id: int):
    objective = get_object_or_404(objectives_with_key_results(), pk=objective_id)
    get_team_for_user(request, objective.team.slug)
    return objective


def get_key_result_for_user(request, key_result_id, action=Action.READ):
    """The key result, with its objective, quarter and team, if the token's owner may
    perform action on it (the permission matrix, as on the team page: its team's relations,
    and its own owner's)."""
    key_result = get_object_or_404(
        KeyResult.objects.with_latest_check_in().select_related(
            "objective__quarter", "objective__team", "owner"
        ),
        pk=key_result_id,
    )
    team_relations = key_result.objective.team.relations_to(request.user)
    if not allows(key_result.relations_to(request.user, team_relations), action):
        raise PermissionDenied
    return key_result


@api.get(
    "/key-results/{key_result_id}",
    response={200: schemas.KeyResultOut, **READ},
    tags=[gettext_noop("Objectives")],
    summary=gettext_noop("One key result, with its progress"),
)
def key_result(request, key_result_id: int):
    return get_key_result_for_user(request, key_result_id)


@api.get(
    "/key-results/{key_result_id}/check-ins",
    response={200: schemas.Page[schemas.CheckInOut], **READ},
    tags=[gettext_noop("Objectives")],
    summary=gettext_noop("A key result’s check-ins, latest first"),
)
def check_ins(request, key_result_id: int, page: int = 1, page_size: int = DEFAULT_PAGE_SIZE):
    key_result = get_key_result_for_user(request, key_result_id)
    found = key_result.check_ins.select_related("author").order_by("-created_at", "-pk")
    return paginated(request, found, page, page_size)


@api.post(
    "/key-results/{key_result_id}/check-ins",
    response={201: schemas.CheckInOut, **WRITE},
    tags=[gettext_noop("Objectives")],
    summary=gettext_noop("Record a check-in"),
    description=gettext_noop(
        "As the team page’s check-in: the product manager or leader of the team, the key "
        "result’s own owner (or an admin), within the key result’s quarter."
    ),
)
def check_in(request, key_result_id: int, payload: schemas.CheckInIn):
    require_write(request)
    key_result = get_key_result_for_user(request, key_result_id, Action.CHECK_IN)
    quarter = key_result.objective.quarter
    if quarter.is_past:
        raise Refusal(
            403, _("%(quarter)s has ended: its check-ins are history.") % {"quarter": quarter}
        )
    team = key_result.objective.team
    if QuarterClosing.objects.in_force().filter(team=team, quarter=quarter).exists():
        raise Refusal(
            403,
            _("%(team)s has closed %(quarter)s: its check-ins are over.")
            % {"team": team.name, "quarter": quarter},
        )
    value = payload.value
    if key_result.is_milestone and value in (0, 1):
        value = int(value)  # a milestone's form takes "1" or "0"
    form = CheckInForm(
        form_data(
            {
                "value": value,
                "confidence": payload.confidence,
                "comment": payload.comment,
                "day": payload.day or timezone.localdate(),
            }
        ),
        key_result=key_result,
        author=request.user,
    )
    if not form.is_valid():
        raise FormRefused(form)
    return Status(201, form.save())


# --- Obstacles ---------------------------------------------------------------------------


def obstacles_for_api():
    return Obstacle.objects.select_related(
        "team", "blocking_team", "owner", "created_by"
    ).prefetch_related("threatened_objectives")


def obstacle_in_full(pk):
    timeline = ObstacleEvent.objects.select_related("actor").order_by("created_at", "pk")
    return obstacles_for_api().prefetch_related(Prefetch("events", timeline)).get(pk=pk)


@api.get(
    "/obstacles",
    response={200: schemas.Page[schemas.ObstacleOut], **READ},
    tags=[gettext_noop("Obstacles")],
    summary=gettext_noop("The obstacle log, with its filters"),
    description=gettext_noop(
        "The filters of the obstacle log: status is active (open or in progress) unless "
        "given (open, in_progress, resolved, accepted, withdrawn, closed or all); team and "
        "blocking are team slugs; urgency is urgent or no; asks=me keeps what needs "
        "the token’s owner as a leader; quarter is a label; owner a person’s id; sort "
        "is oldest, newest or activity (urgent and severe first otherwise); q searches "
        "titles, descriptions and comments."
    ),
)
def obstacles(
    request,
    q: str = "",
    team: str = "",
    kind: str = "",
    status: str = "",
    blocking: str = "",
    urgency: str = "",
    asks: str = "",
    quarter: str = "",
    owner: str = "",
    sort: str = "",
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
):
    form = LogFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        raise FormRefused(form)
    return paginated(request, form.filter(obstacles_for_api()), page, page_size)


@api.get(
    "/obstacles/{obstacle_id}",
    response={200: schemas.ObstacleDetail, **READ},
    tags=[gettext_noop("Obstacles")],
    summary=gettext_noop("One obstacle, with its timeline"),
)
def obstacle(request, obstacle_id: int):
    get_obstacle_for_user(request, obstacle_id)
    return obstacle_in_full(obstacle_id)


def team_pk(slug):
    """The id of the team of slug, for a form's choice; the slug itself when no team has
    it, which the form then refuses as a choice it does not offer."""
    if not slug:
        return None
    return Team.objects.filter(slug=slug).values_list("pk", flat=True).first() or slug


def obstacle_fields(values):
    """API values as ObstacleForm's: teams by id rather than slug, severity by number."""
    values = dict(values)
    if "blocking_team" in values:
        values["blocking_team"] = team_pk(values["blocking_team"])
    if values.get("severity"):
        values["severity"] = schemas.SEVERITY_VALUES[values["severity"]]
    return values


@api.post(
    "/obstacles",
    response={201: schemas.ObstacleDetail, **WRITE},
    tags=[gettext_noop("Obstacles")],
    summary=gettext_noop("Log an obstacle"),
    description=gettext_noop(
        "As the log’s form: the product manager or leader of the team (or an admin). An "
        "urgent obstacle is escalated to the team’s leader at once."
    ),
)
def obstacle_create(request, payload: schemas.ObstacleIn):
    require_write(request)
    team = get_team_for_user(request, payload.team, Action.LOG_OBSTACLE)
    values = obstacle_fields(payload.dict())
    values["team"] = team.pk
    form = ObstacleForm(form_data(values), teams=Team.objects.active().changeable_by(request.user))
    if not form.is_valid():
        raise FormRefused(form)
    return Status(201, obstacle_in_full(form.log(by=request.user).pk))


CHANGE = {**WRITE, 409: schemas.Conflict}


@api.patch(
    "/obstacles/{obstacle_id}",
    response={200: schemas.ObstacleDetail, **CHANGE},
    tags=[gettext_noop("Obstacles")],
    summary=gettext_noop("Change an obstacle’s details"),
    description=gettext_noop(
        "Only the fields sent change. Marking it urgent escalates it to the team’s leader, as "
        "on its page."
    ),
)
def obstacle_change(request, obstacle_id: int, payload: schemas.ObstacleChange):
    require_write(request)
    obstacle = get_obstacle_for_user(request, obstacle_id, Action.CHANGE_OBSTACLE)
    changes = payload.dict(exclude_unset=True)
    current = {
        "title": obstacle.title,
        "kind": obstacle.kind,
        "blocking_team": obstacle.blocking_team.slug if obstacle.blocking_team else None,
        "decide_by": obstacle.decide_by,
        "description": obstacle.description,
        "severity": schemas.SEVERITY_NAMES[obstacle.severity],
        "is_urgent": obstacle.is_urgent,
        "help_wanted": obstacle.help_wanted,
        "help_detail": obstacle.help_detail,
    }
    form = ObstacleForm(form_data(obstacle_fields({**current, **changes})), instance=obstacle)
    if not form.is_valid():
        raise FormRefused(form)
    fields, objectives = form.details()
    obstacle.edit(
        request.user,
        payload.version,
        # Left alone unless sent: the form offers only the current quarter's objectives.
        threatened_objectives=objectives if "threatened_objectives" in changes else None,
        **fields,
    )
    return obstacle_in_full(obstacle.pk)


@api.post(
    "/obstacles/{obstacle_id}/status",
    response={200: schemas.ObstacleDetail, **CHANGE},
    tags=[gettext_noop("Obstacles")],
    summary=gettext_noop("Move an obstacle to another status"),
    description=gettext_noop(
        "Resolving, accepting as a risk or withdrawing needs a resolution; reopening clears it."
    ),
)
def obstacle_status(request, obstacle_id: int, payload: schemas.StatusChange):
    require_write(request)
    obstacle = get_obstacle_for_user(request, obstacle_id, Action.CHANGE_OBSTACLE)
    form = StatusForm(form_data(payload.dict()), obstacle=obstacle)
    if not form.is_valid():
        raise FormRefused(form)
    data = form.cleaned_data
    obstacle.change_status(request.user, data["status"], data["resolution"], data["version"])
    return obstacle_in_full(obstacle.pk)


@api.put(
    "/obstacles/{obstacle_id}/owner",
    response={200: schemas.ObstacleDetail, **CHANGE},
    tags=[gettext_noop("Obstacles")],
    summary=gettext_noop("Give an obstacle an owner, or none"),
)
def obstacle_owner(request, obstacle_id: int, payload: schemas.OwnerChange):
    require_write(request)
    obstacle = get_obstacle_for_user(request, obstacle_id, Action.CHANGE_OBSTACLE)
    form = OwnerForm(form_data(payload.dict()), obstacle=obstacle, user=request.user)
    if not form.is_valid():
        raise FormRefused(form)
    obstacle.assign(request.user, form.cleaned_data["owner"], form.cleaned_data["version"])
    return obstacle_in_full(obstacle.pk)


@api.post(
    "/obstacles/{obstacle_id}/comments",
    response={201: schemas.ObstacleEventOut, **WRITE},
    tags=[gettext_noop("Obstacles")],
    summary=gettext_noop("Comment on an obstacle"),
    description=gettext_noop(
        "The team’s people, and the people of the team it waits on, may comment."
    ),
)
def obstacle_comment(request, obstacle_id: int, payload: schemas.CommentIn):
    require_write(request)
    obstacle = get_obstacle_for_user(request, obstacle_id, Action.COMMENT_OBSTACLE)
    form = CommentForm(form_data(payload.dict()))
    if not form.is_valid():
        raise FormRefused(form)
    return Status(201, obstacle.comment(request.user, form.cleaned_data["text"]))


# --- Learnings ---------------------------------------------------------------------------


@api.get(
    "/learnings",
    response={200: schemas.Page[schemas.Learning], **READ},
    tags=[gettext_noop("Learnings")],
    summary=gettext_noop("Learnings, latest first"),
    description=gettext_noop(
        "As the learnings page: team (a slug) keeps those shared with the team; q searches "
        "them, best match first."
    ),
)
def learnings(
    request, team: str = "", q: str = "", page: int = 1, page_size: int = DEFAULT_PAGE_SIZE
):
    found = Learning.objects.select_related("source_team", "author").prefetch_related("teams")
    if team:
        found = found.shared_with(get_team_for_user(request, team))
    if q.strip():
        found = found.search(q.strip())
    return paginated(request, found, page, page_size)
