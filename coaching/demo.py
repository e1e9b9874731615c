"""The demo leader's weekly 1:1s with each PM, their action items and learnings."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from objectives.demo import in_language
from obstacles.models import Obstacle

from .models import ActionItem, Learning, OneOnOne, TalkingPoint

# Days since each team's last 1:1: Search's PM has not been seen for ten days.
LAST_MET_DAYS_AGO = {"checkout": 5, "onboarding": 6, "search": 10, "payments-platform": 4}
WEEKS = 6

# The weeks of the two quarters before this one in which each team's PM met their leader
# (of the quarter's 13), as the review's leadership figures tell it: in the earlier quarter,
# when the platform team was the organization's bottleneck, its leader met its PM least;
# in the previous one, nearly every week. Tomás's teams kept a steadier, lower cadence.
PAST_WEEKS_MET = {
    "checkout": (8, 12),
    "onboarding": (6, 11),
    "search": (5, 10),
    "payments-platform": (3, 12),
    "mobile": (7, 8),
    "growth": (6, 7),
    "partner-api": (5, 6),
}

SHARED_NOTES = [
    "Walked through the key results. **Confidence** holds on most of them.\n\n"
    "- The team wants a clearer decision path for scope changes\n- Demo to sales next week",
    "Talked about the dependency on the platform team and what the leader can do.\n\n"
    "1. Raise it at the platform review\n2. Ask for a named contact",
    "Retro of the last release: fewer incidents, one rollback. The team wants to keep the "
    "release train weekly.",
    "Hiring: one backend engineer joins next month. Onboarding plan drafted.",
    "Customer interviews: three of five mentioned the same pain point. Worth sharing.",
    "Quarter check: we are about where we should be; one key result needs attention.",
]
PRIVATE_NOTES = [
    "Energy is good. Watch the load on the tech lead.",
    "Coach on saying no to side requests; practise the conversation next week.",
    "Ready for a bigger scope next quarter?",
]
# What the leader said they would do about each team's most pressing obstacle, by its kind;
# for a team with none standing in its way (or of another kind), a look at its key results.
ACTION_FOR_KIND = {
    "platform": "Ask the platform team for a date we can plan on",
    "capability": "Find someone who knows the technology to pair with the team",
    "customer": "Call the customer's account manager with a recovery plan",
}
DEFAULT_ACTION = "Go through the quarter's key results together"
TALKING_POINTS = {
    "pm": "Can we get Finance to decide on manual fraud review before Friday?",
    "leader": "How is the team coping with the escalation?",
}
# The same 1:1s in French (`seed_demo --lang fr`), as a French leader and PM would write them;
# typeset by objectives.demo.french_typography. Seeding in French stops on a text missing here
# (tests/headway/test_i18n_demo.py).
FRENCH = {
    # The learnings of the quarters before this one
    "One queue for every request to the platform": (
        "Une seule file pour toutes les demandes à la plateforme"
    ),
    "Requests reached us by chat, e-mail and in the corridor; one queue with a date and an "
    "objective for each showed us what to plan first.": (
        "Les demandes nous arrivaient par messagerie, par e-mail et dans le couloir ; une seule "
        "file, avec une date et un objectif pour chacune, nous a montré quoi planifier d'abord."
    ),
    "A named platform contact for each waiting team": (
        "Un contact nommé à la plateforme pour chaque équipe qui attend"
    ),
    "Since each team waiting on the platform has a named contact, requests are answered "
    "within a day instead of a week.": (
        "Depuis que chaque équipe qui attend la plateforme a un contact nommé, les demandes "
        "reçoivent une réponse dans la journée au lieu d'une semaine."
    ),
    # Shared notes (Markdown)
    "Walked through the key results. **Confidence** holds on most of them.\n\n"
    "- The team wants a clearer decision path for scope changes\n- Demo to sales next week": (
        "Revue des résultats clés : la **confiance** tient sur la plupart d'entre eux.\n\n"
        "- L'équipe veut un circuit de décision plus clair quand le périmètre change\n"
        "- Démo à l'équipe commerciale la semaine prochaine"
    ),
    "Talked about the dependency on the platform team and what the leader can do.\n\n"
    "1. Raise it at the platform review\n2. Ask for a named contact": (
        "Point sur la dépendance à l'équipe plateforme, et sur ce que je peux faire pour "
        "débloquer la situation.\n\n"
        "1. En parler à la revue plateforme\n2. Demander un interlocuteur attitré"
    ),
    "Retro of the last release: fewer incidents, one rollback. The team wants to keep the "
    "release train weekly.": (
        "Rétro de la dernière mise en production : moins d'incidents, un seul rollback. "
        "L'équipe veut garder un train de livraison hebdomadaire."
    ),
    "Hiring: one backend engineer joins next month. Onboarding plan drafted.": (
        "Recrutement : un ingénieur back-end arrive le mois prochain. Son plan d'intégration "
        "est prêt."
    ),
    "Customer interviews: three of five mentioned the same pain point. Worth sharing.": (
        "Entretiens clients : trois sur cinq évoquent le même point de friction. "
        "À partager avec les autres équipes."
    ),
    "Quarter check: we are about where we should be; one key result needs attention.": (
        "Point sur le trimestre : nous sommes à peu près là où nous devrions être ; un résultat "
        "clé est à surveiller."
    ),
    # The leader's private notes
    "Energy is good. Watch the load on the tech lead.": (
        "Bonne énergie. Surveiller la charge du tech lead."
    ),
    "Coach on saying no to side requests; practise the conversation next week.": (
        "Coaching : apprendre à dire non aux demandes annexes ; on répète la conversation la "
        "semaine prochaine."
    ),
    "Ready for a bigger scope next quarter?": (
        "Lui confier un périmètre plus large le trimestre prochain ?"
    ),
    # Talking points for the next 1:1
    "Can we get Finance to decide on manual fraud review before Friday?": (
        "Peut-on obtenir l'arbitrage de la direction financière sur le contrôle manuel "
        "anti-fraude avant vendredi ?"
    ),
    "How is the team coping with the escalation?": (
        "Comment l'équipe tient-elle le coup face à l'escalade client ?"
    ),
    # Action items
    "Ask the platform team for a named contact": (
        "Demander un interlocuteur attitré à l'équipe plateforme"
    ),
    "Ask the platform team for a date we can plan on": (
        "Demander à l'équipe plateforme une date sur laquelle compter"
    ),
    "Find someone who knows the technology to pair with the team": (
        "Trouver quelqu'un qui connaît la technologie pour travailler avec l'équipe"
    ),
    "Call the customer's account manager with a recovery plan": (
        "Appeler le responsable du compte client avec un plan de reprise"
    ),
    "Go through the quarter's key results together": (
        "Passer en revue ensemble les résultats clés du trimestre"
    ),
    "Share the interview notes with the other PMs": (
        "Partager les notes d'entretiens avec les autres PM"
    ),
    # Learnings
    "Wallet payments cut mobile abandonment": (
        "Apple Pay et Google Pay font baisser l'abandon sur mobile"
    ),
    "Offering Apple Pay and Google Pay first on mobile cut abandonment at the payment step "
    "by **a third** in two weeks. Teams with a payment step should put wallets first.": (
        "Proposer Apple Pay et Google Pay en premier sur mobile a réduit d'**un tiers** "
        "l'abandon à l'étape de paiement, en deux semaines. Les équipes qui ont une étape de "
        "paiement devraient mettre les portefeuilles mobiles en avant."
    ),
    "Ask the platform team early, with a date": (
        "Solliciter l'équipe plateforme tôt, avec une date"
    ),
    "Requests that reached the platform team with a date and a named objective were "
    "planned within a week; the others waited a month.": (
        "Les demandes arrivées à l'équipe plateforme avec une date et un objectif précis ont été "
        "planifiées sous une semaine ; les autres ont attendu un mois."
    ),
}


# A learning each leader of the platform's waiting teams recorded in the quarters before:
# (team, title, body, teams it was shared with).
PAST_LEARNINGS = [
    (
        "payments-platform",
        "One queue for every request to the platform",
        "Requests reached us by chat, e-mail and in the corridor; one queue with a date and an "
        "objective for each showed us what to plan first.",
        ["checkout"],
    ),
    (
        "payments-platform",
        "A named platform contact for each waiting team",
        "Since each team waiting on the platform has a named contact, requests are answered "
        "within a day instead of a week.",
        ["checkout", "onboarding", "mobile"],
    ),
]


def _at_ten(moment):
    """1:1s happen in office hours: ten in the morning, local time."""
    return timezone.localtime(moment).replace(hour=10, minute=0, second=0, microsecond=0)


def _series(leader, pm, team, last_met, now, language):
    """Six weekly 1:1s ending `last_met` days ago, and the next one scheduled."""
    held = []
    for week in range(WEEKS, 0, -1):
        when = _at_ten(now - timedelta(days=last_met + 7 * (week - 1)))
        index = (week + team.pk) % len(SHARED_NOTES)
        held.append(
            OneOnOne.objects.create(
                leader=leader,
                pm=pm,
                team=team,
                scheduled_for=when,
                held_at=when,
                shared_notes=in_language(SHARED_NOTES[index], language, FRENCH),
                private_notes=in_language(
                    PRIVATE_NOTES[index % len(PRIVATE_NOTES)], language, FRENCH
                ),
                created_at=when,
            )
        )
    next_at = _at_ten(max(held[-1].held_at + timedelta(days=7), now + timedelta(days=1)))
    upcoming = OneOnOne.objects.create(leader=leader, pm=pm, team=team, scheduled_for=next_at)
    return held, upcoming


def _weeks_met(met, weeks=13):
    """`met` of the quarter's `weeks`, spread across it (the skipped ones in between)."""
    return sorted({round(index * weeks / met) for index in range(met)})


def _past_quarters(org):
    """The 1:1s each team's PM held with their leader in the two quarters before this one
    (PAST_WEEKS_MET), on the same weekday each week, with their shared notes; and the
    learnings the leaders recorded then."""
    count = 0
    quarters = (org.earlier_quarter, org.previous_quarter)
    for slug, weeks_met in PAST_WEEKS_MET.items():
        team = org.teams.get(slug)
        membership = team and team.memberships.product_managers().first()
        if membership is None:
            continue
        for quarter, met in zip(quarters, weeks_met, strict=True):
            if quarter is None:
                continue
            first = timezone.make_aware(datetime.combine(quarter.start, time(10)))
            for week in _weeks_met(met):
                when = first + timedelta(days=7 * week + team.pk % 4)
                note = SHARED_NOTES[(week + team.pk) % len(SHARED_NOTES)]
                OneOnOne.objects.create(
                    leader=team.leader,
                    pm=membership.user,
                    team=team,
                    scheduled_for=when,
                    held_at=when,
                    shared_notes=in_language(note, org.language, FRENCH),
                    created_at=when,
                )
                count += 1
    for quarter, (slug, title, body, shared_with) in zip(quarters, PAST_LEARNINGS, strict=True):
        if quarter is None:
            continue
        team = org.teams[slug]
        learning = Learning.objects.create(
            title=in_language(title, org.language, FRENCH),
            body=in_language(body, org.language, FRENCH),
            source_team=team,
            author=team.leader,
            created_at=timezone.make_aware(datetime.combine(quarter.start, time(16)))
            + timedelta(weeks=8),
        )
        learning.teams.set([org.teams[other] for other in shared_with])
    return count


def seed_coaching(org):
    """Create the 1:1 history once; running it again changes nothing."""
    leader = org.users["leader"]
    if OneOnOne.objects.filter(leader=leader).exists():
        return 0
    now = org.now
    count = _past_quarters(org)

    def text(english):
        return in_language(english, org.language, FRENCH)

    for slug, last_met in LAST_MET_DAYS_AGO.items():
        team = org.teams[slug]
        membership = team.memberships.product_managers().first()
        if membership is None:
            continue
        pm = membership.user
        held, upcoming = _series(leader, pm, team, last_met, now, org.language)
        count += len(held) + 1
        obstacle = Obstacle.objects.filter(team=team).active().order_by("-severity").first()
        ActionItem.objects.create(
            one_on_one=held[-4],
            owner=leader,
            text=text("Ask the platform team for a named contact"),
            due_date=(held[-4].held_at + timedelta(days=5)).date(),
            done_at=held[-3].held_at,
            created_at=held[-4].held_at,
        )
        ActionItem.objects.create(
            one_on_one=held[-2],
            owner=leader,
            text=text(ACTION_FOR_KIND.get(getattr(obstacle, "kind", None), DEFAULT_ACTION)),
            due_date=(held[-2].held_at + timedelta(days=3)).date(),
            obstacle=obstacle,
            created_at=held[-2].held_at,
        )
        ActionItem.objects.create(
            one_on_one=held[-1],
            owner=pm,
            text=text("Share the interview notes with the other PMs"),
            due_date=(now + timedelta(days=4)).date(),
            created_at=held[-1].held_at,
        )
        TalkingPoint.objects.create(
            one_on_one=upcoming, author=pm, text=text(TALKING_POINTS["pm"]), created_at=now
        )
        TalkingPoint.objects.create(
            one_on_one=upcoming, author=leader, text=text(TALKING_POINTS["leader"]), created_at=now
        )
        if slug == "checkout":
            learning = Learning.objects.create(
                title=text("Wallet payments cut mobile abandonment"),
                body=text(
                    "Offering Apple Pay and Google Pay first on mobile cut abandonment at the "
                    "payment step by **a third** in two weeks. Teams with a payment step should "
                    "put wallets first."
                ),
                source_team=team,
                one_on_one=held[-1],
                author=leader,
                created_at=held[-1].held_at,
            )
            learning.teams.set([org.teams["mobile"], org.teams["onboarding"]])
        elif slug == "search":
            Learning.objects.create(
                title=text("Ask the platform team early, with a date"),
                body=text(
                    "Requests that reached the platform team with a date and a named "
                    "objective were planned within a week; the others waited a month."
                ),
                source_team=team,
                one_on_one=held[-2],
                author=leader,
                for_everyone=True,
                created_at=held[-2].held_at,
            )
    return count
