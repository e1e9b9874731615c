"""The demo organization's people, teams and quarters (used by `manage.py seed_demo`)."""

import math
import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from .models import (
    CheckIn,
    KeyResult,
    Membership,
    Objective,
    Pace,
    Problem,
    Quarter,
    QuarterClosing,
    Team,
    pace_for,
)

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
    """What the seeding builds on: the moment it is seeded (the clock is read once, so that
    every part of the demo agrees on what today is), its language, people, teams and
    quarters."""

    now: datetime
    language: str = "en"
    users: dict = field(default_factory=dict)
    teams: dict = field(default_factory=dict)
    # The quarter before the previous one: the one whose review shows the platform team as
    # the organization's bottleneck (see EARLIER and obstacles.demo.HISTORY).
    earlier_quarter: Quarter | None = None
    previous_quarter: Quarter | None = None
    current_quarter: Quarter | None = None
    next_quarter: Quarter | None = None

    @property
    def today(self):
        return timezone.localdate(self.now)


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


# The demo's quarters are not the calendar's: adjacent windows of 13 weeks around the day
# it is seeded, so that this day always falls at the same point of the current one (its 55th
# day of 91, 60 % of the way) and the story reads the same on any day of the year: in a
# calendar quarter's first weeks nobody could be far behind yet, in its last, every team
# would be judged on a finished quarter. They take the labels of the calendar quarters
# around that day (seeded on 2026-11-30: 2026-Q2, 2026-Q3, 2026-Q4 and 2027-Q1), which read
# as usual. The scale data (`manage.py seed_scale`) uses them too.
QUARTER_DAYS = 7 * 13
SEED_DAY_INDEX = 54


def demo_quarters(today, before=1, after=1):
    """The quarters of demo data seeded on `today`: `before` quarters, the current one and
    `after` quarters, in order. Each is the quarter that already holds the day it needs
    (`today`, the day before the first, the day after the last), else a new window of 13
    weeks (see `_quarter_holding`): seeding again on any later day reuses what is there and
    overlaps nothing."""
    quarters = [_quarter_holding(today, today - timedelta(days=SEED_DAY_INDEX))]
    for _ in range(before):
        first = quarters[0].start
        quarters.insert(
            0, _quarter_holding(first - timedelta(days=1), first - timedelta(days=QUARTER_DAYS))
        )
    for _ in range(after):
        following = quarters[-1].end + timedelta(days=1)
        quarters.append(_quarter_holding(following, following))
    return quarters


def _quarter_holding(day, start):
    """The quarter containing `day`, else a new one of 13 weeks from `start`, cut short where
    it would overlap another quarter. A new quarter right after another takes the label after
    that one's (2026-Q4 after 2026-Q3), right before another the label before; else that of
    the calendar quarter of `day`; `label (2)` if an earlier demo took that label."""
    existing = Quarter.objects.containing(day).first()
    if existing:
        return existing
    end = start + timedelta(days=QUARTER_DAYS - 1)
    before = Quarter.objects.filter(end__lt=day).order_by("-end").first()
    after = Quarter.objects.filter(start__gt=day).order_by("start").first()
    if before and before.end >= start:
        start = before.end + timedelta(days=1)
    if after and after.start <= end:
        end = after.start - timedelta(days=1)
    if end <= start:
        raise ValueError(f"No room for a demo quarter around {day}: other quarters surround it.")
    label = None
    if before and before.end == start - timedelta(days=1):
        label = _shifted_label(before.label, 1)
    elif after and after.start == end + timedelta(days=1):
        label = _shifted_label(after.label, -1)
    label = label or Quarter.for_day(day).label
    free, number = label, 1
    while Quarter.objects.filter(label=free).exists():
        number += 1
        free = f"{label} ({number})"
    return Quarter.objects.create(label=free, start=start, end=end)


def _shifted_label(label, quarters):
    """The label `quarters` after (or before) a label such as 2026-Q4; None for another kind
    of label."""
    match = re.fullmatch(r"(\d{4})-Q([1-4])", label)
    if not match:
        return None
    index = int(match[1]) * 4 + int(match[2]) - 1 + quarters
    return f"{index // 4}-Q{index % 4 + 1}"


def seed_organization(language="en"):
    """Create (or find) the demo people, teams and quarters, their texts in `language`
    ("en" or "fr"), or in the language they were first loaded in. Safe to run again."""
    org = DemoOrganization(now=timezone.now(), language=language_already_loaded(language))
    language = org.language
    org.users["admin"] = _user("admin", "Ada", "Admin", is_staff=True, is_superuser=True)
    for username, (first, last) in PEOPLE.items():
        org.users[username] = _user(username, first, last)

    for slug, (name, mission, leader, platform, members) in TEAMS.items():
        team, _ = Team.objects.get_or_create(
            slug=slug,
            defaults={
                "name": in_language(name, language),
                "mission": in_language(mission, language),
                "leader": org.users[leader],
                "is_platform": platform,
            },
        )
        for username, role in members:
            Membership.objects.get_or_create(
                team=team, user=org.users[username], defaults={"role": role}
            )
        org.teams[slug] = team

    (
        org.earlier_quarter,
        org.previous_quarter,
        org.current_quarter,
        org.next_quarter,
    ) = demo_quarters(org.today, before=2)
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
# Where each team's missed objective of the previous quarter ended (then carried over).
MISSED_PROGRESS = 0.55

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

# The previous quarter's closing: each PM's retrospective of the objective their team missed
# (then carried over), and of the one it achieved.
MISSED_RETROSPECTIVES = {
    "checkout": "Wallets took six weeks longer than planned in two markets; halfway there.",
    "onboarding": "Identity checks waited on legal for a month; the flow itself works.",
    "search": "Ranking improved, but the index rebuild blocked us for three weeks.",
    "payments-platform": "Too many teams asked at once; we served three of five requests.",
    "mobile": "Offline trips shipped on iOS only: Android waited on the platform team.",
    "growth": "The referral test ran late; too few travellers saw it to conclude.",
    "partner-api": "Self-service signup shipped; the sandbox slipped to next quarter.",
}
ACHIEVED_RETROSPECTIVE = "Shipped to every customer before the quarter ended."

# The quarter before: each team's two objectives, one achieved and one missed or dropped
# (none carried over), graded at its end. Several waited on the payments platform, then the
# organization's bottleneck (obstacles.demo.HISTORY); the platform itself missed answering
# other teams within a week. slug: ((achieved title, problem), (title, problem, status,
# final score, [(key result, unit, start, target)], retrospective)).
EARLIER = {
    "checkout": (
        ("Saved cards for returning buyers", "Returning buyers type their card every time."),
        (
            "Refunds without a support ticket",
            "Every refund goes through support and takes nine days.",
            "missed",
            0.5,
            [
                ("Refunds handled without support", "percent", 20, 70),
                ("Days to refund", "number", 9, 3),
            ],
            "The platform's refund API came in week seven: too late to move the numbers.",
        ),
    ),
    "onboarding": (
        ("Company accounts in one form", "Company sign-up was spread over four forms."),
        (
            "Pay by invoice from the first booking",
            "Companies that cannot pay by invoice book elsewhere.",
            "dropped",
            0.2,
            [
                ("Accounts paying by invoice", "percent", 0, 25),
                ("Invoice requests to support per week", "number", 60, 10),
            ],
            "Dropped in week eight: invoices depend on the payments platform's roadmap.",
        ),
    ),
    "search": (
        ("Filters that remember", "Travellers set the same filters on every search."),
        (
            "Better ranking for city breaks",
            "City-break travellers scroll past three pages of results.",
            "missed",
            0.4,
            [
                ("Clicks on the first three results", "percent", 35, 50),
                ("Searches per city-break booking", "number", 8, 5),
            ],
            "Nobody could tune the ranking model; we kept the old one and accepted the risk.",
        ),
    ),
    "payments-platform": (
        (
            "Payment incidents paged to the right team",
            "Every payment incident paged the whole company.",
        ),
        (
            "Answer other teams within a week",
            "Product teams wait weeks for a first answer from the platform.",
            "missed",
            0.35,
            [
                ("Requests answered within a week", "percent", 30, 90),
                ("Open requests from other teams", "number", 12, 4),
            ],
            "We said yes to everyone and answered nobody quickly: one intake and a weekly "
            "triage from next quarter.",
        ),
    ),
    "mobile": (
        ("Trip timeline in the app", "Travellers could not see their whole trip in one place."),
        (
            "Tipping guides in the app",
            "Guides ask to be tipped in cash, and travellers rarely carry any.",
            "dropped",
            0.1,
            [
                ("Guided tours with a tip", "percent", 0, 5),
                ("Tips per month (EUR)", "currency", 0, 8000),
            ],
            "Dropped: paying guides needs payouts the platform cannot offer this year, and "
            "offline trips mattered more.",
        ),
    ),
    "growth": (
        ("Referral programme relaunched", "The old referral programme was hard to find."),
        (
            "Referral credits that pay out",
            "Referrers wait weeks for their credit and complain.",
            "missed",
            0.5,
            [
                ("Referral credits paid within a week", "percent", 40, 95),
                ("Referral complaints per month", "number", 120, 30),
            ],
            "Credits waited on a ledger from the platform until week eleven.",
        ),
    ),
    "partner-api": (
        ("Partner status page", "Partners learned about our outages from their customers."),
        (
            "Payouts partners can reconcile",
            "Partners reconcile their payouts by hand and dispute one in ten.",
            "missed",
            0.45,
            [
                ("Partners reconciling automatically", "number", 0, 10),
                ("Payout disputes per month", "number", 45, 10),
            ],
            "Reconciliation waited five weeks on the platform; half the partners use it now.",
        ),
    ),
}
# A dropped objective's last check-in: the week it was dropped.
DROPPED_AFTER_DAYS = 52

# The organization's few important problems, and the teams whose objectives serve them (the
# others serve none, visibly). Owned by the team's leader.
PROBLEMS = [
    (
        "leader",
        "Paying is slow and unsure on phones",
        "Half of our bookings start on a phone, and mobile buyers abandon twice as often.",
        ["checkout", "payments-platform"],
    ),
    (
        "leader2",
        "Partners cannot rely on us",
        "Partner sales grow slower than direct ones: every integration takes a month.",
        ["partner-api"],
    ),
    (
        "leader",
        "Business customers leave before their first booking",
        "Half of new business accounts never book: the first day decides.",
        ["onboarding", "growth"],
    ),
]

# The same organization in French (`seed_demo --lang fr`): each text above, as a French product
# team would write it (typeset by `french_typography`). Every English text has its French here,
# or seeding in French stops (tests/headway/test_i18n_demo.py).
FRENCH = {
    # Teams and missions
    "Checkout": "Paiement",
    "Make paying for a booking fast and trustworthy on every device.": (
        "Rendre le paiement d'une réservation rapide et rassurant, sur tous les appareils."
    ),
    "Onboarding": "Onboarding entreprises",
    "Get new business customers to their first booking in a day.": (
        "Amener chaque nouveau client entreprise à sa première réservation en une journée."
    ),
    "Search & Discovery": "Recherche & découverte",
    "Help travellers find the right trip in three searches or fewer.": (
        "Aider les voyageurs à trouver le bon voyage en trois recherches au plus."
    ),
    "Payments Platform": "Plateforme paiements",
    "Give every product team safe, simple building blocks for money movement.": (
        "Donner à chaque équipe produit des briques simples et sûres pour faire circuler l'argent."
    ),
    "Mobile App": "Application mobile",
    "Make the app the best way to manage a trip once it is booked.": (
        "Faire de l'application le meilleur moyen de gérer un voyage une fois réservé."
    ),
    "Growth": "Croissance",
    "Turn first-time travellers into returning customers.": (
        "Transformer les nouveaux voyageurs en clients fidèles."
    ),
    "Partner API": "API partenaires",
    "Let partners sell our inventory through a dependable API.": (
        "Permettre aux partenaires de vendre notre offre grâce à une API fiable."
    ),
    # Checkout
    "Paying takes under a minute on a phone": "Payer en moins d'une minute sur mobile",
    "Mobile buyers abandon at the payment step twice as often as desktop ones.": (
        "Sur mobile, les acheteurs abandonnent à l'étape du paiement deux fois plus souvent "
        "que sur ordinateur."
    ),
    "Median time to pay on mobile (seconds)": "Temps médian de paiement sur mobile (secondes)",
    "Mobile payment abandonment": "Taux d'abandon du paiement sur mobile",
    "Wallet payments available in every market": (
        "Paiement par portefeuille mobile ouvert sur tous les marchés"
    ),
    "Fewer failed payments": "Moins de paiements en échec",
    "One payment in twelve fails and most of those buyers never come back.": (
        "Un paiement sur douze échoue, et la plupart de ces acheteurs ne reviennent jamais."
    ),
    "Payment failure rate": "Taux d'échec des paiements",
    "Recovered failed payments per week": "Paiements en échec récupérés par semaine",
    "Trust at the moment of paying": "La confiance au moment de payer",
    "Buyers tell us they are unsure what they will be charged.": (
        "Les acheteurs nous disent ne pas savoir combien ils vont payer au final."
    ),
    "Bookings with a price change complaint": (
        "Réservations avec une réclamation sur un changement de prix"
    ),
    "Checkout satisfaction (out of 100)": "Satisfaction au paiement (sur 100)",
    "Full price breakdown shipped": "Détail complet du prix en production",
    # Onboarding
    "New business customers book within a day": (
        "Les nouveaux clients entreprises réservent dans la journée"
    ),
    "Business accounts wait a week on average before their first booking.": (
        "Les comptes entreprises attendent en moyenne une semaine avant leur première réservation."
    ),
    "Accounts booking within 24 hours": "Comptes qui réservent en moins de 24 heures",
    "Median time to first booking (hours)": "Délai médian avant la première réservation (heures)",
    "Self-serve company verification live": (
        "Vérification des entreprises en libre-service en production"
    ),
    "Setup without calling support": "Une mise en route sans appeler le support",
    "Most new accounts call support to invite colleagues or set a policy.": (
        "La plupart des nouveaux comptes appellent le support pour inviter des collègues "
        "ou définir une politique voyage."
    ),
    "Support calls per new account": "Appels au support par nouveau compte",
    "Accounts that invite a colleague in week one": (
        "Comptes qui invitent un collègue dès la première semaine"
    ),
    "Travel policies that work on day one": (
        "Des politiques voyage opérationnelles dès le premier jour"
    ),
    "Admins cannot express their travel policy, so travellers book elsewhere.": (
        "Les administrateurs ne peuvent pas exprimer leur politique voyage : "
        "les voyageurs réservent ailleurs."
    ),
    "Accounts with a travel policy set": "Comptes avec une politique voyage définie",
    "Policy templates available": "Modèles de politique disponibles",
    "Policy approvals in the app": "Validation des demandes hors politique dans l'application",
    # Search & Discovery
    "The right trip in three searches": "Le bon voyage en trois recherches",
    "Travellers search nine times on average before booking.": (
        "Les voyageurs font en moyenne neuf recherches avant de réserver."
    ),
    "Searches per booking": "Recherches par réservation",
    "Bookings from the first results page": "Réservations depuis la première page de résultats",
    "Flexible dates that people use": "Des dates flexibles vraiment utilisées",
    "Travellers with flexible dates cannot tell us so.": (
        "Les voyageurs dont les dates sont flexibles n'ont aucun moyen de nous le dire."
    ),
    "Searches using flexible dates": "Recherches avec dates flexibles",
    "Flexible-date conversion": "Conversion des recherches à dates flexibles",
    "Price calendar shipped": "Calendrier des prix en production",
    # Payments Platform
    "Every team pays through one refund API": "Toutes les équipes remboursent via une seule API",
    "Three product teams run their own refund code, each with its own bugs.": (
        "Trois équipes produit maintiennent leur propre code de remboursement, "
        "chacun avec ses bugs."
    ),
    "Teams on the refund API": "Équipes branchées sur l'API de remboursement",
    "Refund incidents per month": "Incidents de remboursement par mois",
    "Payouts partners can rely on": "Des reversements fiables pour les partenaires",
    "Partner payouts are late one week in five.": (
        "Les reversements aux partenaires sont en retard une semaine sur cinq."
    ),
    "Payouts on time": "Reversements à l'heure",
    "Manual payout corrections per week": "Corrections manuelles de reversements par semaine",
    "Automated reconciliation live": "Rapprochement automatique en production",
    "Fraud losses under control": "Des pertes liées à la fraude maîtrisées",
    "Card fraud losses doubled last year.": (
        "Les pertes dues à la fraude à la carte ont doublé l'an dernier."
    ),
    "Fraud losses per month (EUR)": "Pertes liées à la fraude par mois (€)",
    "Good bookings blocked by mistake": "Réservations légitimes bloquées à tort",
    # Mobile App
    "Everything about a trip in the app": "Tout le voyage dans l'application",
    "Travellers switch to email and the website to manage a booked trip.": (
        "Pour gérer un voyage réservé, les voyageurs passent par l'e-mail et le site web."
    ),
    "Trip changes made in the app": "Modifications de voyage faites dans l'application",
    "Monthly active travellers (thousands)": "Voyageurs actifs par mois (milliers)",
    "Offline boarding passes": "Cartes d'embarquement hors connexion",
    "A stable app": "Une application stable",
    "Crashes are the first complaint in store reviews.": (
        "Les plantages sont le premier reproche dans les avis des stores."
    ),
    "Crash-free sessions": "Sessions sans plantage",
    "Store rating": "Note sur les stores",
    # Growth
    "First-time travellers come back": "Les nouveaux voyageurs reviennent",
    "Only one first-time traveller in five books again within a year.": (
        "Seul un nouveau voyageur sur cinq réserve à nouveau dans l'année."
    ),
    "Second booking within 90 days": "Deuxième réservation sous 90 jours",
    "Travellers who save a trip idea": "Voyageurs qui enregistrent une idée de voyage",
    "Trip reminders launched": "Rappels de voyage lancés",
    "Referrals that bring bookings": "Un parrainage qui apporte des réservations",
    "The referral programme brings sign-ups that never book.": (
        "Le programme de parrainage apporte des inscriptions qui ne réservent jamais."
    ),
    "Bookings from referrals per month": "Réservations issues du parrainage par mois",
    "Referral reward cost per booking (EUR)": (
        "Coût des récompenses de parrainage par réservation (€)"
    ),
    "Emails people want": "Des e-mails que l'on a envie d'ouvrir",
    "Unsubscribe rates climbed with each campaign.": (
        "Le taux de désabonnement a augmenté à chaque campagne."
    ),
    "Email unsubscribe rate": "Taux de désabonnement aux e-mails",
    "Bookings from email per month": "Réservations issues des e-mails par mois",
    # Partner API
    "A dependable API for partners": "Une API fiable pour les partenaires",
    "Partners report timeouts during peak hours.": (
        "Les partenaires signalent des timeouts aux heures de pointe."
    ),
    "API availability": "Disponibilité de l'API",
    "p95 latency (ms)": "Latence p95 (ms)",
    "Partners onboard themselves": "Des partenaires autonomes pour s'intégrer",
    "Each new partner takes two engineers a month to integrate.": (
        "Chaque nouveau partenaire mobilise deux ingénieurs pendant un mois pour s'intégrer."
    ),
    "Partners live without our engineers": "Partenaires en production sans nos ingénieurs",
    "Days from contract to first sale": "Jours entre la signature et la première vente",
    "Sandbox with test bookings": "Bac à sable avec réservations de test",
    "Partner satisfaction (out of 10)": "Satisfaction des partenaires (sur 10)",
    # The previous quarter's achieved objectives
    "Card payments in three steps": "Le paiement par carte en trois étapes",
    "Card checkout took six screens.": "Le paiement par carte prenait six écrans.",
    "Sign-up without a sales call": "L'inscription sans appel commercial",
    "Business sign-up required a demo call.": (
        "L'inscription d'une entreprise exigeait un appel de démonstration."
    ),
    "Results in under a second": "Des résultats en moins d'une seconde",
    "Slow results drove travellers away.": "La lenteur des résultats faisait fuir les voyageurs.",
    "One payment gateway": "Une seule passerelle de paiement",
    "Two gateways doubled every change.": (
        "Avec deux passerelles, chaque évolution était à faire deux fois."
    ),
    "Sign in with a passkey": "La connexion par clé d'accès",
    "Passwords were the first support topic.": (
        "Les mots de passe étaient le premier motif de contact du support."
    ),
    "Measure returning travellers": "Mesurer les voyageurs qui reviennent",
    "We could not tell who came back.": "Nous ne savions pas qui revenait.",
    "Versioned API": "Une API versionnée",
    "Every change broke some partner.": "Chaque évolution cassait l'intégration d'un partenaire.",
    # The previous quarter's closing
    "Wallets took six weeks longer than planned in two markets; halfway there.": (
        "Les portefeuilles ont pris six semaines de plus que prévu sur deux marchés ; "
        "nous sommes à mi-chemin."
    ),
    "Identity checks waited on legal for a month; the flow itself works.": (
        "Les contrôles d'identité ont attendu le juridique un mois ; le parcours lui-même "
        "fonctionne."
    ),
    "Ranking improved, but the index rebuild blocked us for three weeks.": (
        "Le classement s'est amélioré, mais la reconstruction de l'index nous a bloqués trois "
        "semaines."
    ),
    "Too many teams asked at once; we served three of five requests.": (
        "Trop d'équipes ont demandé en même temps ; nous avons servi trois demandes sur cinq."
    ),
    "Offline trips shipped on iOS only: Android waited on the platform team.": (
        "Les voyages hors ligne sont sortis sur iOS seulement : Android attendait l'équipe "
        "plateforme."
    ),
    "The referral test ran late; too few travellers saw it to conclude.": (
        "Le test de parrainage a démarré tard ; trop peu de voyageurs l'ont vu pour conclure."
    ),
    "Self-service signup shipped; the sandbox slipped to next quarter.": (
        "L'inscription en libre-service est sortie ; le bac à sable glisse au trimestre suivant."
    ),
    "Shipped to every customer before the quarter ended.": (
        "Disponible pour tous les clients avant la fin du trimestre."
    ),
    # The quarter before: its objectives, key results and retrospectives
    "Saved cards for returning buyers": "Des cartes enregistrées pour les clients fidèles",
    "Returning buyers type their card every time.": (
        "Les clients qui reviennent ressaisissent leur carte à chaque achat."
    ),
    "Refunds without a support ticket": "Des remboursements sans passer par le support",
    "Every refund goes through support and takes nine days.": (
        "Chaque remboursement passe par le support et prend neuf jours."
    ),
    "Refunds handled without support": "Remboursements traités sans le support",
    "Days to refund": "Jours pour rembourser",
    "The platform's refund API came in week seven: too late to move the numbers.": (
        "L'API de remboursement de la plateforme est arrivée en semaine sept : trop tard pour "
        "faire bouger les chiffres."
    ),
    "Company accounts in one form": "Un compte entreprise en un seul formulaire",
    "Company sign-up was spread over four forms.": (
        "L'inscription d'une entreprise s'étalait sur quatre formulaires."
    ),
    "Pay by invoice from the first booking": "Payer sur facture dès la première réservation",
    "Companies that cannot pay by invoice book elsewhere.": (
        "Les entreprises qui ne peuvent pas payer sur facture réservent ailleurs."
    ),
    "Accounts paying by invoice": "Comptes qui paient sur facture",
    "Invoice requests to support per week": "Demandes de facture au support par semaine",
    "Dropped in week eight: invoices depend on the payments platform's roadmap.": (
        "Abandonné en semaine huit : la facturation dépend de la feuille de route de la "
        "plateforme paiements."
    ),
    "Filters that remember": "Des filtres qui se souviennent",
    "Travellers set the same filters on every search.": (
        "Les voyageurs remettent les mêmes filtres à chaque recherche."
    ),
    "Better ranking for city breaks": "Un meilleur classement pour les courts séjours en ville",
    "City-break travellers scroll past three pages of results.": (
        "Les voyageurs en quête d'un court séjour en ville font défiler trois pages de résultats."
    ),
    "Clicks on the first three results": "Clics sur les trois premiers résultats",
    "Searches per city-break booking": "Recherches par réservation de court séjour",
    "Nobody could tune the ranking model; we kept the old one and accepted the risk.": (
        "Personne ne savait régler le modèle de classement ; nous avons gardé l'ancien en "
        "acceptant le risque."
    ),
    "Payment incidents paged to the right team": (
        "Les incidents de paiement alertent la bonne équipe"
    ),
    "Every payment incident paged the whole company.": (
        "Chaque incident de paiement alertait toute l'entreprise."
    ),
    "Answer other teams within a week": "Répondre aux autres équipes en moins d'une semaine",
    "Product teams wait weeks for a first answer from the platform.": (
        "Les équipes produit attendent des semaines une première réponse de la plateforme."
    ),
    "Requests answered within a week": "Demandes traitées en moins d'une semaine",
    "Open requests from other teams": "Demandes ouvertes des autres équipes",
    "We said yes to everyone and answered nobody quickly: one intake and a weekly triage "
    "from next quarter.": (
        "Nous avons dit oui à tout le monde sans répondre vite à personne : un guichet unique "
        "et un tri hebdomadaire dès le trimestre prochain."
    ),
    "Trip timeline in the app": "Le fil du voyage dans l'application",
    "Travellers could not see their whole trip in one place.": (
        "Les voyageurs ne voyaient pas tout leur voyage au même endroit."
    ),
    "Tipping guides in the app": "Les pourboires aux guides dans l'application",
    "Guides ask to be tipped in cash, and travellers rarely carry any.": (
        "Les guides demandent des pourboires en espèces, et les voyageurs en ont rarement sur eux."
    ),
    "Guided tours with a tip": "Visites guidées avec un pourboire",
    "Tips per month (EUR)": "Pourboires par mois (EUR)",
    "Dropped: paying guides needs payouts the platform cannot offer this year, and offline "
    "trips mattered more.": (
        "Abandonné : payer les guides demande des versements que la plateforme ne peut pas "
        "proposer cette année, et les voyages hors ligne comptaient davantage."
    ),
    "Referral programme relaunched": "Le programme de parrainage relancé",
    "The old referral programme was hard to find.": (
        "L'ancien programme de parrainage était difficile à trouver."
    ),
    "Referral credits that pay out": "Des crédits de parrainage versés pour de bon",
    "Referrers wait weeks for their credit and complain.": (
        "Les parrains attendent leur crédit des semaines et s'en plaignent."
    ),
    "Referral credits paid within a week": "Crédits de parrainage versés sous une semaine",
    "Referral complaints per month": "Réclamations sur le parrainage par mois",
    "Credits waited on a ledger from the platform until week eleven.": (
        "Les crédits ont attendu un registre comptable de la plateforme jusqu'en semaine onze."
    ),
    "Partner status page": "Une page d'état pour les partenaires",
    "Partners learned about our outages from their customers.": (
        "Les partenaires apprenaient nos pannes par leurs clients."
    ),
    "Payouts partners can reconcile": "Des versements que les partenaires peuvent rapprocher",
    "Partners reconcile their payouts by hand and dispute one in ten.": (
        "Les partenaires rapprochent leurs versements à la main et en contestent un sur dix."
    ),
    "Partners reconciling automatically": "Partenaires en rapprochement automatique",
    "Payout disputes per month": "Contestations de versements par mois",
    "Reconciliation waited five weeks on the platform; half the partners use it now.": (
        "Le rapprochement a attendu la plateforme cinq semaines ; la moitié des partenaires "
        "l'utilisent aujourd'hui."
    ),
    # The organization's problems
    "Paying is slow and unsure on phones": "Payer sur téléphone est lent et incertain",
    "Half of our bookings start on a phone, and mobile buyers abandon twice as often.": (
        "La moitié de nos réservations commence sur un téléphone, et les acheteurs mobiles "
        "abandonnent deux fois plus souvent."
    ),
    "Partners cannot rely on us": "Les partenaires ne peuvent pas compter sur nous",
    "Partner sales grow slower than direct ones: every integration takes a month.": (
        "Les ventes des partenaires croissent moins vite que les ventes directes : chaque "
        "intégration prend un mois."
    ),
    "Business customers leave before their first booking": (
        "Les clients entreprises partent avant leur première réservation"
    ),
    "Half of new business accounts never book: the first day decides.": (
        "La moitié des nouveaux comptes entreprises ne réservent jamais : tout se joue le "
        "premier jour."
    ),
    # The achieved objectives' single key result: "<title>: shipped to every customer"
    "%(title)s: shipped to every customer": "%(title)s : disponible pour tous les clients",
}
LANGUAGES = ("en", "fr")

# French typography, applied to the French texts as they are read: the texts above are written
# with plain apostrophes and spaces, as no-break spaces are invisible in code (and ruff flags
# them), and one set of rules keeps every French text of the demo typeset the same way.
FRENCH_TYPOGRAPHY = [
    (re.compile(r"'"), "\u2019"),  # typographic apostrophe
    (re.compile(r" (?=:)"), "\u00a0"),  # no-break space before a colon
    (re.compile(r" (?=[;?!])"), "\u202f"),  # narrow no-break space before ; ? !
    (re.compile(r"(?<=«) | (?=»)"), "\u00a0"),  # inside guillemets
    (re.compile(r"(?<=\d) (?=[%€])"), "\u00a0"),  # 30 %, 24 €
    (re.compile(r"(?<=\d) (?=\d{3}\b)"), "\u202f"),  # 48 000
]


def french_typography(text):
    """`text` with French apostrophes and no-break spaces where French typography puts them."""
    for pattern, replacement in FRENCH_TYPOGRAPHY:
        text = pattern.sub(replacement, text)
    return text


def in_language(text, language, french=FRENCH):
    """`text` of the demo data as written in `language` ("en" or "fr"), its French taken from
    `french` (each app's demo module has its FRENCH). A text missing from it stops the seeding:
    the French demo never falls back to English. An empty text is empty in both."""
    if language == "en" or not text:
        return text
    try:
        return french_typography(french[text])
    except KeyError:
        raise KeyError(f"The French demo has no French for {text!r}: add it to FRENCH.") from None


def language_already_loaded(requested):
    """The language the demo teams were first loaded in, if they are there, else `requested`:
    seeding again keeps the language the organization has, so that it never mixes the two."""
    for slug, (name, *_rest) in TEAMS.items():
        existing = Team.objects.filter(slug=slug).values_list("name", flat=True).first()
        for language in LANGUAGES:
            if existing == in_language(name, language):
                return language
    return requested


def _confidence(slug, progress, share):
    """The team's own judgement when it is `progress` along with `share` of the quarter
    elapsed: what its pace says, except for the optimists, who always say on track."""
    if slug in OPTIMISTS:
        return CheckIn.Confidence.ON_TRACK
    return {
        Pace.ON_TRACK: CheckIn.Confidence.ON_TRACK,
        Pace.AT_RISK: CheckIn.Confidence.AT_RISK,
        Pace.OFF_TRACK: CheckIn.Confidence.OFF_TRACK,
    }[pace_for(Decimal(str(progress)), Decimal(str(share)))]


# How the numeric key results of one objective spread around their mean, so that they do not
# all read the same (centred on zero before use).
SPREAD = (0.18, -0.12, 0.05, -0.06)


def _key_result_progress(key_results, progress):
    """{key result: its progress} when its objective is `progress` (0..1) along.

    An objective's progress is the mean of its key results', milestones included, and a
    milestone is either done (1) or not (0): as many milestones are done as that mean allows,
    and the numeric key results spread around what is left, so that the mean is `progress`.
    """
    milestones = [kr for kr in key_results if kr.is_milestone]
    numbers = [kr for kr in key_results if not kr.is_milestone]
    total = progress * len(key_results)
    if not numbers:
        done = round(total)
        return {kr: float(i < done) for i, kr in enumerate(milestones)}
    done = min(len(milestones), math.floor(total))
    rest = (total - done) / len(numbers)
    spread = SPREAD[: len(numbers)]
    centre = sum(spread) / len(spread)
    width = min(rest, 1 - rest)
    shares = {kr: float(i < done) for i, kr in enumerate(milestones)}
    shares.update({kr: rest + width * (s - centre) for kr, s in zip(numbers, spread, strict=True)})
    return shares


def _value(key_result, progress):
    if key_result.is_milestone:
        return Decimal(round(progress))
    span = key_result.target_value - key_result.start_value
    return (key_result.start_value + span * Decimal(str(progress))).quantize(Decimal("0.01"))


# A milestone checked in as done shows as done in the check-ins of the last quarter of the
# way there, and as not done before.
MILESTONE_DONE_FROM = 0.75


def _check_in_days(quarter, last_day):
    """The days of the weekly check-ins of `quarter`: the last one on `last_day` (the seed
    day, or the quarter's last day), then each week before, back to the quarter's start."""
    days = []
    day = min(last_day, quarter.end)
    while day >= quarter.start:
        days.append(day)
        day -= timedelta(days=7)
    return days[::-1]


def _weekly_check_ins(slug, objectives, quarter, author, progress, last_day, now):
    """Weekly check-ins on the key results of `objectives` (a list of key results for each
    objective) in `quarter`, up to `last_day`, when each objective is `progress` (0..1) along
    on that day: from the quarter's start, each numeric key result grows steadily to the
    value that makes its objective's mean `progress`; a milestone is done near the end."""
    days = _check_in_days(quarter, last_day)
    if not days:
        return
    final_share = quarter.elapsed_share(days[-1])
    check_ins = []
    for key_results in objectives:
        final = _key_result_progress(key_results, progress)
        for day in days:
            share = quarter.elapsed_share(day)
            along = share / final_share
            # Never after now, so that a check-in made today is the latest.
            when = min(timezone.make_aware(datetime.combine(day, time(9))), now)
            confidence = _confidence(slug, progress * along, share)
            for key_result in key_results:
                reached = final[key_result]
                if key_result.is_milestone:
                    reached = reached if along >= MILESTONE_DONE_FROM else 0.0
                else:
                    reached *= along
                check_ins.append(
                    CheckIn(
                        key_result=key_result,
                        value=_value(key_result, reached),
                        confidence=confidence,
                        comment="",
                        author=author,
                        created_at=when,
                    )
                )
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


def _texts_in(language, title, problem, key_results):
    """An objective's title, problem and key results as written in `language`."""
    return (
        in_language(title, language),
        in_language(problem, language),
        [(in_language(text, language), *figures) for text, *figures in key_results],
    )


def _pm_of(team):
    return team.memberships.product_managers().get().user


def _close_previous_quarter(team, previous, pm, missed, achieved, language, now):
    """The PM closed the previous quarter in its first days after the end: the missed
    objective graded and carried over, the achieved one graded."""
    grades = {
        missed: (
            Objective.Status.MISSED,
            Decimal(str(MISSED_PROGRESS)),
            in_language(MISSED_RETROSPECTIVES[team.slug], language),
        ),
        achieved: (
            Objective.Status.ACHIEVED,
            Decimal(1),
            in_language(ACHIEVED_RETROSPECTIVE, language),
        ),
    }
    _close_quarter(team, previous, pm, grades, [missed], now)


def _close_quarter(team, quarter, pm, grades, carry_over, now):
    """The PM closes `quarter` (QuarterClosing.close), two days after its end."""
    closing = QuarterClosing.close(team, quarter, pm, grades, carry_over=carry_over)
    closed_at = min(
        now, timezone.make_aware(datetime.combine(quarter.end, time(17))) + timedelta(days=2)
    )
    QuarterClosing.objects.filter(pk=closing.pk).update(closed_at=closed_at)


def seed_problems(org):
    """The organization's three important problems, from the demo's first quarter on, and
    the objectives of the teams working on them (every quarter). Safe to run again."""
    for owner, title, why, slugs in PROBLEMS:
        leader = org.users[owner]
        problem, created = Problem.objects.get_or_create(
            title=in_language(title, org.language),
            defaults={
                "why_it_matters": in_language(why, org.language),
                "owner": leader,
                "first_quarter": org.earlier_quarter,
            },
        )
        if created:
            Objective.objects.filter(
                team__slug__in=slugs,
                quarter__in=[org.earlier_quarter, org.previous_quarter, org.current_quarter],
                serves__isnull=True,
            ).update(serves=problem)


def seed_earlier_objectives(org):
    """Give each demo team the quarter before the previous one: one objective achieved, the
    other missed or dropped, with weekly check-ins, graded when the quarter ended. Safe to
    run again: a team with objectives in that quarter is left as it is."""
    earlier, language = org.earlier_quarter, org.language
    shipped = in_language("%(title)s: shipped to every customer", language)
    for slug, (achieved_texts, second) in EARLIER.items():
        team = org.teams[slug]
        if team.objectives.filter(quarter=earlier).exists():
            continue
        pm = _pm_of(team)
        achieved_title, achieved_problem = (in_language(t, language) for t in achieved_texts)
        achieved = _objective(
            team,
            earlier,
            0,
            achieved_title,
            achieved_problem,
            [(shipped % {"title": achieved_title}, "milestone", 0, 1)],
            pm,
        )
        title, problem, status, score, key_results, retrospective = second
        other = _objective(team, earlier, 1, *_texts_in(language, title, problem, key_results), pm)
        last_day = earlier.end
        if status == Objective.Status.DROPPED:
            last_day = earlier.start + timedelta(days=DROPPED_AFTER_DAYS)
        for objective, progress, until in ((achieved, 1.0, earlier.end), (other, score, last_day)):
            _weekly_check_ins(
                slug,
                [list(objective.key_results.all())],
                earlier,
                pm,
                progress,
                until,
                org.now,
            )
        grades = {
            achieved: (
                Objective.Status.ACHIEVED,
                Decimal(1),
                in_language(ACHIEVED_RETROSPECTIVE, language),
            ),
            other: (status, Decimal(str(score)), in_language(retrospective, language)),
        }
        _close_quarter(team, earlier, pm, grades, [], org.now)


def seed_objectives(org):
    """Give each demo team the quarter before the previous one (`seed_earlier_objectives`),
    a previous quarter with history (its first objective missed and carried over) and this
    quarter's objectives with weekly check-ins. Safe to run again: a team that already has
    objectives this quarter is left as it is."""
    seed_earlier_objectives(org)
    previous, current, language = org.previous_quarter, org.current_quarter, org.language
    for slug, objectives in OBJECTIVES.items():
        team = org.teams[slug]
        if team.objectives.filter(quarter__in=[previous, current]).exists():
            continue
        pm = _pm_of(team)
        (title, problem, key_results), *rest = objectives
        missed = _objective(
            team,
            previous,
            0,
            *_texts_in(language, title, problem, key_results),
            pm,
            status=Objective.Status.MISSED,
        )
        achieved_title, achieved_problem = (
            in_language(text, language) for text in PREVIOUS_ACHIEVED[slug]
        )
        shipped = in_language("%(title)s: shipped to every customer", language)
        achieved = _objective(
            team,
            previous,
            1,
            achieved_title,
            achieved_problem,
            [(shipped % {"title": achieved_title}, "milestone", 0, 1)],
            pm,
            status=Objective.Status.ACHIEVED,
        )
        for objective, progress in ((missed, MISSED_PROGRESS), (achieved, 1.0)):
            _weekly_check_ins(
                slug,
                [list(objective.key_results.all())],
                previous,
                pm,
                progress,
                previous.end,
                org.now,
            )

        _close_previous_quarter(team, previous, pm, missed, achieved, language, org.now)
        for order, (title, problem, key_results) in enumerate(rest, start=1):
            _objective(team, current, order, *_texts_in(language, title, problem, key_results), pm)
        _weekly_check_ins(
            slug,
            [list(o.key_results.all()) for o in team.objectives.filter(quarter=current)],
            current,
            pm,
            min(1.0, PACE[slug] * current.elapsed_share(org.today)),
            org.today,
            org.now,
        )
