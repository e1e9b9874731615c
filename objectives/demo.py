"""The demo organization's people, teams and quarters (used by `manage.py seed_demo`)."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from .models import Membership, Quarter, Team

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
