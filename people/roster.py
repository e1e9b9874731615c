"""People in bulk: the CSV file most HR and identity systems can export, one line per person
and team (name, email, team, role, team_leader), read into a plan of what would be created,
changed or left alone, and applied only once an administrator confirms it.

Reading a file writes nothing. `Plan.apply` writes the whole plan in one transaction or
nothing; the same file applied twice changes nothing the second time. `export_rows` writes
the same format, so an export imports back unchanged.
"""

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from headway.models import names_from, unused_username
from objectives.models import Membership, Team

User = get_user_model()

COLUMNS = ("name", "email", "team", "role", "team_leader")
REQUIRED_COLUMNS = ("name", "email")
# Header spellings read as each column.
ALIASES = {
    "e_mail": "email",
    "mail": "email",
    "email_address": "email",
    "full_name": "name",
    "leader": "team_leader",
    "team_lead": "team_leader",
    "team_leader_email": "team_leader",
    "leader_email": "team_leader",
}
MAX_LINES = 5000


class Outcome:
    CREATED = "created"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    ERROR = "error"


def column_name(header):
    name = "_".join(header.strip().lower().replace("-", "_").split())
    return ALIASES.get(name, name)


def roles_by_spelling():
    """Each way a role may be written: its code, and its name in every offered language."""
    spellings = {}
    for code, label in Membership.Role.choices:
        spellings[code] = code
        for language in ("en", "fr"):
            with translation.override(language):
                spellings[str(label).lower()] = code
    return spellings


def role_label(code):
    return str(Membership.Role(code).label)


@dataclass
class Line:
    """One line of the file, with what importing it does."""

    number: int
    name: str
    email: str
    team: str
    role: str
    team_leader: str
    errors: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    creates_person: bool = False

    @property
    def outcome(self):
        if self.errors:
            return Outcome.ERROR
        if self.creates_person:
            return Outcome.CREATED
        return Outcome.CHANGED if self.changes else Outcome.UNCHANGED


@dataclass
class Plan:
    """What importing a file would do. `errors` holds (line, message) pairs, the file's own
    problems first; a plan with errors cannot be applied."""

    lines: list = field(default_factory=list)
    file_errors: list = field(default_factory=list)
    # What to write, keyed by lower-case address or team name.
    new_people: dict = field(default_factory=dict)
    renamed: dict = field(default_factory=dict)
    new_teams: dict = field(default_factory=dict)
    new_leaders: dict = field(default_factory=dict)
    new_memberships: list = field(default_factory=list)
    new_roles: dict = field(default_factory=dict)
    removed_memberships: list = field(default_factory=list)

    @property
    def errors(self):
        return self.file_errors + [
            (line.number, message) for line in self.lines for message in line.errors
        ]

    @property
    def is_valid(self):
        return not self.errors and bool(self.lines)

    def count(self, outcome):
        return sum(1 for line in self.lines if line.outcome == outcome)

    @property
    def counts(self):
        return {
            outcome: self.count(outcome)
            for outcome in (Outcome.CREATED, Outcome.CHANGED, Outcome.UNCHANGED, Outcome.ERROR)
        }

    @property
    def has_changes(self):
        return any(
            (
                self.new_people,
                self.renamed,
                self.new_teams,
                self.new_leaders,
                self.new_memberships,
                self.new_roles,
                self.removed_memberships,
            )
        )

    @property
    def digest(self):
        """A fingerprint of what the plan would write: a confirmation applies only the plan
        that was previewed."""
        writes = {
            "people": sorted(self.new_people.items()),
            "renamed": sorted(self.renamed.items()),
            "teams": sorted(self.new_teams.items()),
            "leaders": sorted(self.new_leaders.items()),
            "memberships": sorted(self.new_memberships),
            "roles": sorted(self.new_roles.items()),
            "removed": sorted(self.removed_memberships),
            # What the preview said, so that a confirmation shows it again if it would now
            # say something else.
            "lines": [(line.number, line.outcome, line.changes) for line in self.lines],
        }
        return hashlib.sha256(json.dumps(writes, sort_keys=True).encode()).hexdigest()

    @transaction.atomic
    def apply(self):
        """Write the plan; returns the counts of what was written."""
        if not self.is_valid:
            raise ValueError("a plan with errors is not applied")
        people = {person.email.lower(): person for person in self._create_people()}
        for pk, (first, last) in self.renamed.items():
            User.objects.filter(pk=pk).update(first_name=first, last_name=last)
        people.update(
            {
                person.email.lower(): person
                for person in User.objects.annotate(address=Lower("email")).filter(
                    address__in=self._addresses()
                )
            }
        )
        teams = {}
        for key, (name, leader_email) in self.new_teams.items():
            teams[key] = Team.objects.create(
                name=name, slug=unused_slug(name), leader=people[leader_email]
            )
        for pk, leader_email in self.new_leaders.items():
            Team.objects.filter(pk=pk).update(leader=people[leader_email])
        teams.update(
            {
                team.name.lower(): team
                for team in Team.objects.annotate(key=Lower("name")).filter(
                    key__in=[key for _email, key, _role in self.new_memberships]
                )
            }
        )
        Membership.objects.bulk_create(
            Membership(user=people[email], team=teams[key], role=role)
            for email, key, role in self.new_memberships
        )
        for pk, role in self.new_roles.items():
            Membership.objects.filter(pk=pk).update(role=role)
        Membership.objects.filter(pk__in=self.removed_memberships).delete()
        return {
            "people": len(self.new_people),
            "renamed": len(self.renamed),
            "teams": len(self.new_teams),
            "leaders": len(self.new_leaders),
            "memberships": len(self.new_memberships),
            "roles": len(self.new_roles),
            "removed": len(self.removed_memberships),
        }

    def _create_people(self):
        """The new people, in one insert: their address as username (numbered in the rare
        case someone has it already), no password (they sign in with the identity provider,
        or ask for a reset)."""
        wanted = {email: address.lower()[:140] for email, (*_n, address) in self.new_people.items()}
        taken = set(
            User.objects.annotate(name=Lower("username"))
            .filter(name__in=wanted.values())
            .values_list("name", flat=True)
        )
        people = []
        for email, (first, last, address) in self.new_people.items():
            username = wanted[email]
            person = User(
                username=unused_username(address) if username in taken else username,
                email=address,
                first_name=first,
                last_name=last,
            )
            person.set_unusable_password()
            people.append(person)
        return User.objects.bulk_create(people)

    def _addresses(self):
        addresses = {email for email, _key, _role in self.new_memberships}
        addresses |= {leader for _name, leader in self.new_teams.values()}
        return addresses | set(self.new_leaders.values())


def unused_slug(name):
    base = slugify(name)[:90] or "team"
    slug, number = base, 1
    while Team.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def read(data, remove_missing=False):
    """The plan for the CSV file `data` (bytes). With `remove_missing`, the people it lists
    leave the teams it does not list them in."""
    plan = Plan()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        plan.file_errors.append((1, _("The file is not in UTF-8: save it as “CSV UTF-8”.")))
        return plan
    rows = _rows(text, plan)
    if rows is None:
        return plan
    plan.lines = rows
    if len(rows) > MAX_LINES:
        plan.file_errors.append(
            (1, _("The file has more than %(count)d lines: split it.") % {"count": MAX_LINES})
        )
        return plan
    _Planner(plan, remove_missing).run()
    return plan


def _rows(text, plan):
    if not text.strip():
        plan.file_errors.append((1, _("The file is empty.")))
        return None
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        plan.file_errors.append((1, _("The file is empty.")))
        return None
    columns = [column_name(cell) for cell in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        plan.file_errors.append(
            (
                1,
                _("The first line must name the columns; missing: %(columns)s.")
                % {"columns": ", ".join(missing)},
            )
        )
        return None
    lines = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            values = dict(zip(columns, (cell.strip() for cell in cells), strict=False))
            lines.append(Line(reader.line_num, *(values.get(name, "") for name in COLUMNS)))
    except csv.Error as error:
        plan.file_errors.append(
            (reader.line_num, _("Unreadable line: %(error)s") % {"error": error})
        )
        return None
    return lines


class _Planner:
    """Checks each line against the others and against Headway, and fills the plan."""

    def __init__(self, plan, remove_missing):
        self.plan, self.remove_missing = plan, remove_missing
        self.roles = roles_by_spelling()

    def run(self):
        lines = self.plan.lines
        for line in lines:
            self.check_fields(line)
        addresses = {line.email.lower() for line in lines if line.email}
        addresses |= {line.team_leader.lower() for line in lines if line.team_leader}
        self.people = {}
        ambiguous = set()
        for person in User.objects.annotate(address=Lower("email")).filter(address__in=addresses):
            if person.address in self.people:
                ambiguous.add(person.address)
            self.people[person.address] = person
        self.teams = {
            team.key: team
            for team in Team.objects.annotate(key=Lower("name"))
            .filter(key__in={line.team.lower() for line in lines if line.team})
            .select_related("leader")
        }
        self.memberships = {
            (membership.user_id, membership.team_id): membership
            for membership in Membership.objects.filter(
                user__in=list(self.people.values())
            ).select_related("team")
        }
        for line in lines:
            if line.email.lower() in ambiguous:
                line.errors.append(_("Several people in Headway have this e-mail address."))
        self.check_across_lines()
        if not any(line.errors for line in lines):
            self.plan_people()
            self.plan_teams()
            self.plan_memberships()

    def check_fields(self, line):
        if not line.email:
            line.errors.append(_("The e-mail address is missing."))
        else:
            try:
                validate_email(line.email)
            except ValidationError:
                line.errors.append(
                    _("“%(email)s” is not an e-mail address.") % {"email": line.email}
                )
        if line.team_leader:
            try:
                validate_email(line.team_leader)
            except ValidationError:
                line.errors.append(
                    _("The team leader “%(email)s” is not an e-mail address.")
                    % {"email": line.team_leader}
                )
            if not line.team:
                line.errors.append(_("A team leader is given but no team."))
        if line.team and not line.role:
            line.errors.append(_("Say the person's role in the team."))
        elif line.role and line.role.lower() not in self.roles:
            line.errors.append(
                _("Unknown role “%(role)s”: use pm, tech_lead, designer or other.")
                % {"role": line.role}
            )
        elif line.role and not line.team:
            line.errors.append(_("A role is given but no team."))
        if len(line.name) > 300:
            line.errors.append(_("The name is too long."))

    def check_across_lines(self):
        first_of_person, first_of_membership, leader_of_team = {}, {}, {}
        in_file = {line.email.lower() for line in self.plan.lines}
        for line in self.plan.lines:
            if line.errors:
                continue
            email = line.email.lower()
            person = self.people.get(email)
            earlier = first_of_person.setdefault(email, line)
            if earlier is not line and line.name and earlier.name and line.name != earlier.name:
                line.errors.append(
                    _("Another name for the same person as on line %(line)d.")
                    % {"line": earlier.number}
                )
            if person is None and not (earlier.name or line.name):
                line.errors.append(_("A new person needs a name."))
            if person is not None and not person.is_active:
                line.errors.append(
                    _("%(email)s is deactivated: reactivate them in the administration first.")
                    % {"email": line.email}
                )
            if not line.team:
                continue
            key = line.team.lower()
            membership = (email, key)
            if membership in first_of_membership:
                line.errors.append(
                    _("The same person and team as on line %(line)d.")
                    % {"line": first_of_membership[membership].number}
                )
            first_of_membership.setdefault(membership, line)
            team = self.teams.get(key)
            if team is not None and team.archived:
                line.errors.append(
                    _("The team %(team)s is archived: bring it back first.") % {"team": team.name}
                )
            if line.team_leader:
                leader = line.team_leader.lower()
                named = leader_of_team.setdefault(key, (leader, line))
                if named[0] != leader:
                    line.errors.append(
                        _("Another leader for %(team)s than on line %(line)d.")
                        % {"team": line.team, "line": named[1].number}
                    )
                known = self.people.get(leader)
                if known is None and leader not in in_file:
                    line.errors.append(
                        _("The team leader %(email)s is neither in Headway nor in the file.")
                        % {"email": line.team_leader}
                    )
                elif known is not None and not known.is_active:
                    line.errors.append(
                        _("The team leader %(email)s is deactivated.") % {"email": line.team_leader}
                    )
        for line in self.plan.lines:
            key = line.team.lower()
            if (
                line.team
                and not line.errors
                and key not in self.teams
                and key not in leader_of_team
            ):
                line.errors.append(
                    _("%(team)s is a new team: name its leader (team_leader).")
                    % {"team": line.team}
                )

    def plan_people(self):
        plan, seen = self.plan, set()
        for line in plan.lines:
            email = line.email.lower()
            if email in seen:
                continue
            seen.add(email)
            person = self.people.get(email)
            first, last = names_from({"name": line.name})
            if person is None:
                plan.new_people[email] = (first, last, line.email)
                line.creates_person = True
            elif line.name and (first, last) != (person.first_name, person.last_name):
                plan.renamed[person.pk] = (first, last)
                line.changes.append(
                    _("name: %(old)s → %(new)s")
                    % {"old": person.get_full_name() or "—", "new": line.name}
                )

    def plan_teams(self):
        plan, seen = self.plan, set()
        for line in plan.lines:
            key = line.team.lower()
            if not line.team or not line.team_leader or key in seen:
                continue
            seen.add(key)
            leader = line.team_leader.lower()
            team = self.teams.get(key)
            if team is None:
                plan.new_teams[key] = (line.team, leader)
                line.changes.append(
                    _("new team %(team)s, led by %(leader)s")
                    % {"team": line.team, "leader": line.team_leader}
                )
            elif team.leader.email.lower() != leader:
                plan.new_leaders[team.pk] = leader
                line.changes.append(
                    _("%(team)s now led by %(leader)s")
                    % {"team": team.name, "leader": line.team_leader}
                )

    def plan_memberships(self):
        plan, listed = self.plan, {}
        for line in plan.lines:
            email = line.email.lower()
            person = self.people.get(email)
            if not line.team:
                listed.setdefault(email, set())
                continue
            key, role = line.team.lower(), self.roles[line.role.lower()]
            team = self.teams.get(key)
            listed.setdefault(email, set()).add(key)
            membership = self.memberships.get((person.pk, team.pk)) if person and team else None
            if membership is None:
                plan.new_memberships.append((email, key, role))
                line.changes.append(
                    _("joins %(team)s as %(role)s") % {"team": line.team, "role": role_label(role)}
                )
            elif membership.role != role:
                plan.new_roles[membership.pk] = role
                line.changes.append(
                    _("role in %(team)s: %(old)s → %(new)s")
                    % {
                        "team": team.name,
                        "old": role_label(membership.role),
                        "new": role_label(role),
                    }
                )
        if not self.remove_missing:
            return
        first_line = {}
        for line in plan.lines:
            first_line.setdefault(line.email.lower(), line)
        addresses = {person.pk: address for address, person in self.people.items()}
        for (user_pk, _team_pk), membership in self.memberships.items():
            email = addresses[user_pk]
            if email in listed and membership.team.name.lower() not in listed[email]:
                plan.removed_memberships.append(membership.pk)
                first_line[email].changes.append(
                    _("leaves %(team)s") % {"team": membership.team.name}
                )


def export_rows():
    """The roster in the import's format: the header, then one line per active person and
    team (a person in no team on a line of their own), by name."""
    yield list(COLUMNS)
    people = (
        User.objects.filter(is_active=True)
        .prefetch_related("memberships__team__leader")
        .order_by("first_name", "last_name", "username")
    )
    for person in people:
        name = person.get_full_name()
        memberships = sorted(person.memberships.all(), key=lambda m: m.team.name)
        if not memberships:
            yield [name, person.email, "", "", ""]
        for membership in memberships:
            team = membership.team
            yield [name, person.email, team.name, membership.role, team.leader.email]
