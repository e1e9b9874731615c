"""The demo organization's people, teams and quarters (used by `manage.py seed_demo`)."""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from .models import CheckIn, KeyResult, Membership, Objective, Pace, Quarter, Team, pace_for

DEMO_PASSWORD = "headway"

# username: (first name, last name)
PEOPLE = {
    "leader": ("Maya", "Chen"),
    "leader2": ("Tomás", "Becker"),
    "pm": ("Sam", "Rivera"),
    "aisha": ("Aisha", "Okafor"),
    "jonas": ("Jonas", "Lindqvist"),
    "priya": ("Priya", "Raman"),
    "lucas": ("Lucas", "Moreau"),
    "nadia": ("Nadia", "Haddad"),
    "kenji": ("Kenji", "Watanabe"),
    "elena": ("Elena", "Rossi"),
    "omar": ("Omar", "Farouk"),
    "zoe": ("Zoé", "Martin"),
    "ben": ("Ben", "Adeyemi"),
    "ines": ("Inès", "Dupont"),
    "mark": ("Mark", "Sullivan"),
    "lina": ("Lina", "Novak"),
    "hugo": ("Hugo", "Schmidt"),
    "sofia": ("Sofia", "Almeida"),
}

# slug: (name, mission, leader, platform?, [(username, role)])
TEAMS = {
    "checkout": (
        "Checkout",
        "Make paying for a booking fast and trustworthy on every device.",
        "leader",
        False,
        [("pm", "pm"), ("jonas", "tech_lead"), ("zoe", "designer")],
    ),
    "onboarding": (
        "Onboarding",
        "Get new business customers to their first booking in a day.",
        "leader",
        False,
        [("aisha", "pm"), ("kenji", "tech_lead")],
    ),
    "search": (
        "Search & Discovery",
        "Help travellers find the right trip in three searches or fewer.",
        "leader",
        False,
        [("priya", "pm"), ("omar", "tech_lead"), ("ines", "designer")],
    ),
    "payments-platform": (
        "Payments Platform",
        "Give every product team safe, simple building blocks for money movement.",
        "leader",
        True,
        [("lucas", "pm"), ("elena", "tech_lead")],
    ),
    "mobile": (
        "Mobile App",
        "Make the app the best way to manage a trip once it is booked.",
        "leader2",
        False,
        [("nadia", "pm"), ("ben", "tech_lead")],
    ),
    "growth": (
        "Growth",
        "Turn first-time travellers into returning customers.",
        "leader2",
        False,
        [("mark", "pm"), ("hugo", "tech_lead")],
    ),
    "partner-api": (
        "Partner API",
        "Let partners sell our inventory through a dependable API.",
        "leader2",
        False,
        [("lina", "pm"), ("sofia", "tech_lead")],
    ),
}


@dataclass
class DemoOrganization:
    users: dict = field(default_factory=dict)
    teams: dict = field(default_factory=dict)
    previous_quarter: Quarter | None = None
    current_quarter: Quarter | None = None
    next_quarter: Quarter | None = None


def _user(username, first_name, last_name, **extra):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "email": f"{username}@headway.example",
            **extra,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _quarter(day):
    calendar = Quarter.for_day(day)
    existing = Quarter.objects.containing(day).first()
    if existing:
        return existing
    calendar.save()
    return calendar


def seed_organization():
    """Create (or find) the demo people, teams and quarters. Safe to run again."""
    org = DemoOrganization()
    org.users["admin"] = _user("admin", "Ada", "Admin", is_staff=True, is_superuser=True)
    for username, (first, last) in PEOPLE.items():
        org.users[username] = _user(username, first, last)

    for slug, (name, mission, leader, platform, members) in TEAMS.items():
        team, _ = Team.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "mission": mission,
                "leader": org.users[leader],
                "is_platform": platform,
            },
        )
        for username, role in members:
            Membership.objects.get_or_create(
                team=team, user=org.users[username], defaults={"role": role}
            )
        org.teams[slug] = team

    today = timezone.localdate()
    org.current_quarter = _quarter(today)
    org.previous_quarter = _quarter(org.current_quarter.start - timedelta(days=1))
    org.next_quarter = _quarter(org.current_quarter.end + timedelta(days=1))
    return org


# Objectives: slug -> [(title, problem, [(key result, unit, start, target)])]. The first
# objective of each team is the one its previous quarter left unfinished (see PREVIOUS).
OBJECTIVES = {
    "checkout": [
        (
            "Paying takes under a minute on a phone",
            "Mobile buyers abandon at the payment step twice as often as desktop ones.",
            [
                ("Median time to pay on mobile (seconds)", "number", 140, 60),
                ("Mobile payment abandonment", "percent", 38, 20),
                ("Wallet payments available in every market", "milestone", 0, 1),
            ],
        ),
        (
            "Fewer failed payments",
            "One payment in twelve fails and most of those buyers never come back.",
            [
                ("Payment failure rate", "percent", 8, 4),
                ("Recovered failed payments per week", "number", 40, 150),
            ],
        ),
        (
            "Trust at the moment of paying",
            "Buyers tell us they are unsure what they will be charged.",
            [
                ("Bookings with a price change complaint", "number", 220, 60),
                ("Checkout satisfaction (out of 100)", "number", 61, 75),
                ("Full price breakdown shipped", "milestone", 0, 1),
            ],
        ),
    ],
    "onboarding": [
        (
            "New business customers book within a day",
            "Business accounts wait a week on average before their first booking.",
            [
                ("Accounts booking within 24 hours", "percent", 12, 45),
                ("Median time to first booking (hours)", "number", 160, 24),
                ("Self-serve company verification live", "milestone", 0, 1),
            ],
        ),
        (
            "Setup without calling support",
            "Most new accounts call support to invite colleagues or set a policy.",
            [
                ("Support calls per new account", "number", 2.4, 0.8),
                ("Accounts that invite a colleague in week one", "percent", 22, 50),
            ],
        ),
        (
            "Travel policies that work on day one",
            "Admins cannot express their travel policy, so travellers book elsewhere.",
            [
                ("Accounts with a travel policy set", "percent", 5, 40),
                ("Policy templates available", "number", 0, 6),
                ("Policy approvals in the app", "milestone", 0, 1),
            ],
        ),
    ],
    "search": [
        (
            "The right trip in three searches",
            "Travellers search nine times on average before booking.",
            [
                ("Searches per booking", "number", 9, 3),
                ("Bookings from the first results page", "percent", 41, 60),
            ],
        ),
        (
            "Flexible dates that people use",
            "Travellers with flexible dates cannot tell us so.",
            [
                ("Searches using flexible dates", "percent", 0, 15),
                ("Flexible-date conversion", "percent", 2, 5),
                ("Price calendar shipped", "milestone", 0, 1),
            ],
        ),
    ],
    "payments-platform": [
        (
            "Every team pays through one refund API",
            "Three product teams run their own refund code, each with its own bugs.",
            [
                ("Teams on the refund API", "number", 0, 4),
                ("Refund incidents per month", "number", 9, 2),
            ],
        ),
        (
            "Payouts partners can rely on",
            "Partner payouts are late one week in five.",
            [
                ("Payouts on time", "percent", 80, 99),
                ("Manual payout corrections per week", "number", 25, 5),
                ("Automated reconciliation live", "milestone", 0, 1),
            ],
        ),
        (
            "Fraud losses under control",
            "Card fraud losses doubled last year.",
            [
                ("Fraud losses per month (EUR)", "currency", 48000, 20000),
                ("Good bookings blocked by mistake", "percent", 3, 1),
            ],
        ),
    ],
    "mobile": [
        (
            "Everything about a trip in the app",
            "Travellers switch to email and the website to manage a booked trip.",
            [
                ("Trip changes made in the app", "percent", 18, 50),
                ("Monthly active travellers (thousands)", "number", 120, 180),
                ("Offline boarding passes", "milestone", 0, 1),
            ],
        ),
        (
            "A stable app",
            "Crashes are the first complaint in store reviews.",
            [
                ("Crash-free sessions", "percent", 97.5, 99.5),
                ("Store rating", "number", 3.9, 4.5),
            ],
        ),
    ],
    "growth": [
        (
            "First-time travellers come back",
            "Only one first-time traveller in five books again within a year.",
            [
                ("Second booking within 90 days", "percent", 11, 18),
                ("Travellers who save a trip idea", "percent", 6, 15),
                ("Trip reminders launched", "milestone", 0, 1),
            ],
        ),
        (
            "Referrals that bring bookings",
            "The referral programme brings sign-ups that never book.",
            [
                ("Bookings from referrals per month", "number", 300, 900),
                ("Referral reward cost per booking (EUR)", "currency", 24, 12),
            ],
        ),
        (
            "Emails people want",
            "Unsubscribe rates climbed with each campaign.",
            [
                ("Email unsubscribe rate", "percent", 1.8, 0.6),
                ("Bookings from email per month", "number", 1200, 2000),
            ],
        ),
    ],
    "partner-api": [
        (
            "A dependable API for partners",
            "Partners report timeouts during peak hours.",
            [
                ("API availability", "percent", 99.2, 99.9),
                ("p95 latency (ms)", "number", 900, 300),
            ],
        ),
        (
            "Partners onboard themselves",
            "Each new partner takes two engineers a month to integrate.",
            [
                ("Partners live without our engineers", "number", 0, 5),
                ("Days from contract to first sale", "number", 45, 15),
                ("Sandbox with test bookings", "milestone", 0, 1),
                ("Partner satisfaction (out of 10)", "number", 6, 8),
            ],
        ),
    ],
}

# How far each team is along, as a share of where it should be today: some on pace, some
# behind, Onboarding far behind. Growth says it is on track while behind: the leader sees
# both the numbers and the team's judgement.
PACE = {
    "checkout": 1.05,
    "onboarding": 0.3,
    "search": 0.9,
    "payments-platform": 0.72,
    "mobile": 1.0,
    "growth": 0.65,
    "partner-api": 0.95,
}
OPTIMISTS = {"growth"}

# The previous quarter: each team's first objective (missed, carried into this quarter) and
# one it achieved.
PREVIOUS_ACHIEVED = {
    "checkout": ("Card payments in three steps", "Card checkout took six screens."),
    "onboarding": ("Sign-up without a sales call", "Business sign-up required a demo call."),
    "search": ("Results in under a second", "Slow results drove travellers away."),
    "payments-platform": ("One payment gateway", "Two gateways doubled every change."),
    "mobile": ("Sign in with a passkey", "Passwords were the first support topic."),
    "growth": ("Measure returning travellers", "We could not tell who came back."),
    "partner-api": ("Versioned API", "Every change broke some partner."),
}


def _team_progress(slug, share, index):
    """Progress of a team's `index`-th key result when `share` of the quarter has elapsed."""
    spread = (0.18, -0.12, 0.05, -0.06)[index % 4]
    return max(0.0, min(1.0, PACE[slug] * share * (1 + spread)))


def _confidence(slug, progress, share):
    if slug in OPTIMISTS:
        return CheckIn.Confidence.ON_TRACK
    return {
        Pace.ON_TRACK: CheckIn.Confidence.ON_TRACK,
        Pace.AT_RISK: CheckIn.Confidence.AT_RISK,
        Pace.OFF_TRACK: CheckIn.Confidence.OFF_TRACK,
    }[pace_for(Decimal(str(progress)), Decimal(str(share)))]


def _value(key_result, progress):
    if key_result.is_milestone:
        return Decimal(1 if progress >= 0.9 else 0)
    span = key_result.target_value - key_result.start_value
    return (key_result.start_value + span * Decimal(str(progress))).quantize(Decimal("0.01"))


def _weekly_check_ins(slug, key_results, quarter, author, progress_at, last_day):
    """A check-in per key result each week of `quarter` up to `last_day`."""
    check_ins = []
    day = quarter.start + timedelta(days=6)
    while day <= min(last_day, quarter.end):
        share = quarter.elapsed_share(day)
        # Never after now, so that a check-in made today is the latest.
        when = min(timezone.make_aware(datetime.combine(day, time(9))), timezone.now())
        for index, key_result in enumerate(key_results):
            progress = progress_at(share, index)
            check_ins.append(
                CheckIn(
                    key_result=key_result,
                    value=_value(key_result, progress),
                    confidence=_confidence(slug, progress, share),
                    comment="",
                    author=author,
                    created_at=when,
                )
            )
        day += timedelta(days=7)
    CheckIn.objects.bulk_create(check_ins)


def _objective(team, quarter, order, title, problem, key_results, owner, **extra):
    objective = Objective.objects.create(
        team=team, quarter=quarter, order=order, title=title, problem=problem, owner=owner, **extra
    )
    KeyResult.objects.bulk_create(
        KeyResult(
            objective=objective,
            description=description,
            unit=unit,
            start_value=Decimal(str(start)),
            target_value=Decimal(str(target)),
            order=number,
        )
        for number, (description, unit, start, target) in enumerate(key_results)
    )
    return objective


def _pm_of(team):
    return team.memberships.get(role=Membership.Role.PRODUCT_MANAGER).user


def seed_objectives(org):
    """Give each demo team a previous quarter with history (its first objective missed and
    carried over) and this quarter's objectives with weekly check-ins. Safe to run again:
    a team that already has objectives this quarter is left as it is."""
    today = timezone.localdate()
    previous, current = org.previous_quarter, org.current_quarter
    for slug, objectives in OBJECTIVES.items():
        team = org.teams[slug]
        if team.objectives.filter(quarter__in=[previous, current]).exists():
            continue
        pm = _pm_of(team)
        (title, problem, key_results), *rest = objectives
        missed = _objective(
            team, previous, 0, title, problem, key_results, pm, status=Objective.Status.MISSED
        )
        achieved_title, achieved_problem = PREVIOUS_ACHIEVED[slug]
        achieved = _objective(
            team,
            previous,
            1,
            achieved_title,
            achieved_problem,
            [(f"{achieved_title}: shipped to every customer", "milestone", 0, 1)],
            pm,
            status=Objective.Status.ACHIEVED,
        )
        _weekly_check_ins(
            slug,
            list(missed.key_results.all()),
            previous,
            pm,
            lambda share, index: 0.55 * share * (1 + 0.2 * (index % 2)),
            previous.end,
        )
        _weekly_check_ins(
            slug, list(achieved.key_results.all()), previous, pm, lambda s, i: s, previous.end
        )

        missed.carry_over(by=pm)
        for order, (title, problem, key_results) in enumerate(rest, start=1):
            _objective(team, current, order, title, problem, key_results, pm)
        _weekly_check_ins(
            slug,
            list(KeyResult.objects.filter(objective__team=team, objective__quarter=current)),
            current,
            pm,
            lambda share, index, slug=slug: _team_progress(slug, share, index),
            today,
        )
