"""The demo leaders' weekly 1:1s with their PMs, their action items and learnings: this
quarter's for Maya, and both leaders' in the two quarters before (the quarter review's story)."""

from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from objectives.demo import in_language
from obstacles.models import Obstacle, start_of

from .models import ActionItem, Learning, OneOnOne, TalkingPoint

# Days since each team's last 1:1: Search's PM has not been seen for ten days.
LAST_MET_DAYS_AGO = {"checkout": 5, "onboarding": 6, "search": 10, "payments-platform": 4}
WEEKS = 6

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
# The two quarters before this one: each leader's weekly 1:1 with each of their PMs, on the
# weekday that pair still meets (for Maya's pairs, that of LAST_MET_DAYS_AGO), most weeks held
# and some not. Maya missed a few weeks with each PM in the earlier quarter, most with the
# platform team's while it was the organization's bottleneck, and fewer in the previous one;
# Tomás held nearly all of his in the earlier quarter, then let them slip, and has held none
# this quarter. slug: (days before today of a meeting, weeks of
# the earlier quarter without one, weeks of the previous quarter without one), the weeks
# counted from 0.
PAST_PAIRS = {
    "checkout": (LAST_MET_DAYS_AGO["checkout"], [3, 8], [5]),
    "onboarding": (LAST_MET_DAYS_AGO["onboarding"], [2, 6, 10], [7]),
    "search": (LAST_MET_DAYS_AGO["search"], [4, 7, 9], [2, 11]),
    "payments-platform": (LAST_MET_DAYS_AGO["payments-platform"], [1, 3, 5, 8, 11], []),
    "mobile": (2, [6], [3, 5, 8, 10]),
    "growth": (3, [2, 9], [4, 7, 9, 11, 12]),
    "partner-api": (1, [7], [1, 6, 10, 12]),
}
PAST_SHARED_NOTES = [
    "Went through the requests waiting on other teams; the oldest goes to the platform review.",
    "Key results: two on track, one behind. We agreed what to drop if the dependency slips again.",
    "Customer call recap: they stay if the fix ships this month. The PM owns the follow-up.",
    "Next quarter: three objectives at most, each serving one of the organization's problems.",
    "Release rhythm and focus time: no meetings on Wednesday mornings from now on.",
    "Who needs to hear from us before the decision, and when: the stakeholder map is drafted.",
]
PAST_PRIVATE_NOTES = [
    "Frustrated with the platform's delays; acknowledge it, then help prioritise.",
    "Handled the escalation calmly. Say so in the review.",
]
# Every third 1:1 held, an action item, the leader's and the PM's in turn: done within days,
# some after their due date. The leader's is about the team's obstacle logged in the two
# weeks before, when there is one (ACTION_FOR_KIND).
PAST_ACTIONS = [
    "Take the oldest request to the platform review",
    "Send the customer a written recovery plan",
    "Draft next quarter's objectives with the team",
    "Book the stakeholder meeting before the decide-by date",
]
ACTION_EVERY = 3
# Days from the 1:1 to each action item's due date, and to when it was done: some late.
ACTION_DUE_DAYS = 5
ACTION_DONE_DAYS = (2, 4, 7, 9)
# The learnings of those quarters: (quarter, team, the week of its 1:1, title, body, the
# teams it was shared with, or "everyone"). Onboarding's was not shared.
PAST_LEARNINGS = [
    (
        "earlier",
        "checkout",
        6,
        "Call the customer before the fix ships",
        "Calling the airline's account manager the day after the double charges kept the "
        "partnership, though the fix took a week.",
        "everyone",
    ),
    (
        "earlier",
        "growth",
        4,
        "Settle brand reviews once, with templates",
        "The brand team approved our e-mail templates once instead of each e-mail: the "
        "relaunch kept its date. Teams that send e-mails can ask for the same.",
        ["checkout", "onboarding"],
    ),
    (
        "earlier",
        "payments-platform",
        12,
        "One intake for every request to the platform",
        "Requests reached the platform by chat, e-mail and in the corridor: nobody saw them "
        "all. **One intake and a weekly triage** give every team an answer within days.",
        ["checkout", "onboarding", "mobile", "growth", "partner-api", "search"],
    ),
    (
        "previous",
        "partner-api",
        3,
        "Roll back first, explain later",
        "When a release breaks a partner, rolling back within the hour cost us less than any "
        "fix forward would have.",
        "everyone",
    ),
    (
        "previous",
        "search",
        5,
        "Borrow an expert, and pair with them",
        "Three weeks with an engineer from infrastructure, pairing every day, left two of us "
        "able to run the cluster.",
        ["mobile", "growth"],
    ),
    (
        "previous",
        "payments-platform",
        2,
        "A named platform contact for each waiting team",
        "Since each team waiting on the platform has a named contact, requests are answered "
        "within a day instead of a week.",
        ["checkout", "onboarding", "mobile"],
    ),
    (
        "previous",
        "onboarding",
        8,
        "Batch what customers do in bulk",
        "Admins invite hundreds of travellers at once: doing it in batches removed the errors.",
        [],
    ),
]

# The same 1:1s in French (`seed_demo --lang fr`), as a French leader and PM would write them;
# typeset by objectives.demo.french_typography. Seeding in French stops on a text missing here
# (tests/headway/test_i18n_demo.py).
FRENCH = {
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
    # The two quarters before this one
    "Went through the requests waiting on other teams; the oldest goes to the platform review.": (
        "Revue des demandes en attente chez les autres équipes ; la plus ancienne part à la "
        "revue plateforme."
    ),
    "Key results: two on track, one behind. We agreed what to drop if the dependency slips "
    "again.": (
        "Résultats clés : deux dans les temps, un en retard. Nous avons convenu de ce qui "
        "saute si la dépendance glisse encore."
    ),
    "Customer call recap: they stay if the fix ships this month. The PM owns the follow-up.": (
        "Compte rendu de l'appel client : il reste si le correctif sort ce mois-ci. La PM "
        "pilote le suivi."
    ),
    "Next quarter: three objectives at most, each serving one of the organization's problems.": (
        "Trimestre prochain : trois objectifs au plus, chacun au service d'un des problèmes "
        "de l'organisation."
    ),
    "Release rhythm and focus time: no meetings on Wednesday mornings from now on.": (
        "Rythme de livraison et temps de concentration : plus de réunions le mercredi matin."
    ),
    "Who needs to hear from us before the decision, and when: the stakeholder map is drafted.": (
        "Qui doit nous entendre avant la décision, et quand : la carte des parties prenantes "
        "est esquissée."
    ),
    "Frustrated with the platform's delays; acknowledge it, then help prioritise.": (
        "Agacé par les délais de la plateforme ; le reconnaître, puis aider à prioriser."
    ),
    "Handled the escalation calmly. Say so in the review.": (
        "A géré l'escalade avec calme. Le dire lors de l'évaluation."
    ),
    "Take the oldest request to the platform review": (
        "Porter la demande la plus ancienne à la revue plateforme"
    ),
    "Send the customer a written recovery plan": "Envoyer au client un plan de reprise écrit",
    "Draft next quarter's objectives with the team": (
        "Esquisser avec l'équipe les objectifs du trimestre prochain"
    ),
    "Book the stakeholder meeting before the decide-by date": (
        "Caler la réunion avec les parties prenantes avant la date de décision"
    ),
    "Call the customer before the fix ships": "Appeler le client avant que le correctif sorte",
    "Calling the airline's account manager the day after the double charges kept the "
    "partnership, though the fix took a week.": (
        "Appeler le responsable du compte de la compagnie dès le lendemain des doubles débits "
        "a sauvé le partenariat, alors que le correctif a pris une semaine."
    ),
    "Settle brand reviews once, with templates": (
        "Régler une fois pour toutes la relecture de la marque, avec des modèles"
    ),
    "The brand team approved our e-mail templates once instead of each e-mail: the relaunch "
    "kept its date. Teams that send e-mails can ask for the same.": (
        "L'équipe de marque a validé nos modèles d'e-mails une fois pour toutes au lieu de "
        "chaque e-mail : la relance a tenu sa date. Les équipes qui envoient des e-mails "
        "peuvent demander la même chose."
    ),
    "One intake for every request to the platform": (
        "Un guichet unique pour toutes les demandes à la plateforme"
    ),
    "Requests reached the platform by chat, e-mail and in the corridor: nobody saw them all. "
    "**One intake and a weekly triage** give every team an answer within days.": (
        "Les demandes arrivaient à la plateforme par messagerie, par e-mail et dans le couloir : "
        "personne ne les voyait toutes. **Un guichet unique et un tri hebdomadaire** donnent à "
        "chaque équipe une réponse en quelques jours."
    ),
    "Roll back first, explain later": "D'abord revenir en arrière, expliquer ensuite",
    "When a release breaks a partner, rolling back within the hour cost us less than any fix "
    "forward would have.": (
        "Quand une mise en production casse un partenaire, revenir en arrière dans l'heure nous "
        "a coûté moins cher que n'importe quel correctif à chaud."
    ),
    "Borrow an expert, and pair with them": "Emprunter un expert, et travailler en binôme avec lui",
    "Three weeks with an engineer from infrastructure, pairing every day, left two of us able "
    "to run the cluster.": (
        "Trois semaines en binôme chaque jour avec un ingénieur de l'infrastructure : deux "
        "d'entre nous savent désormais exploiter le cluster."
    ),
    "Batch what customers do in bulk": "Traiter par lots ce que les clients font en masse",
    "Admins invite hundreds of travellers at once: doing it in batches removed the errors.": (
        "Les administrateurs invitent des centaines de voyageurs à la fois : procéder par lots "
        "a supprimé les erreurs."
    ),
}


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


def seed_coaching(org):
    """Create the 1:1 history once, this quarter's then the two before (the story of the
    quarter review); running it again changes nothing. Returns how many 1:1s were created."""
    return _seed_this_quarter(org) + seed_past_one_on_ones(org)


def _seed_this_quarter(org):
    """Maya's last six weeks of 1:1s with her PMs, and the next ones prepared."""
    leader = org.users["leader"]
    if OneOnOne.objects.filter(leader=leader).exists():
        return 0
    now = org.now
    count = 0

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


def seed_past_one_on_ones(org):
    """The 1:1s of the two quarters before this one (PAST_PAIRS), with their action items
    and learnings, for each pair that has none yet; returns how many 1:1s were created."""
    now = org.now
    quarters = {"earlier": org.earlier_quarter, "previous": org.previous_quarter}
    count = 0
    for slug, (days_ago, *missed_weeks) in PAST_PAIRS.items():
        team = org.teams[slug]
        pm = team.memberships.product_managers().get().user
        series = OneOnOne.objects.of_pair(team.leader, pm, team)
        if series.filter(held_at__lt=start_of(org.current_quarter.start)).exists():
            continue
        weekday = (org.today - timedelta(days=days_ago)).weekday()
        held = {}
        for (name, quarter), missed in zip(quarters.items(), missed_weeks, strict=True):
            first = quarter.start + timedelta(days=(weekday - quarter.start.weekday()) % 7)
            for week in range((quarter.end - first).days // 7 + 1):
                if week in missed:
                    continue
                held[name, week] = _past_one_on_one(org, team, pm, first, week, len(held), now)
        created = OneOnOne.objects.bulk_create(held.values())
        # Scheduled a week before they were held (the model sets `created_at` to now).
        OneOnOne.objects.filter(pk__in=[o.pk for o in created]).update(
            created_at=F("held_at") - timedelta(days=7)
        )
        _past_action_items(org, team, pm, list(held.values()))
        _past_learnings(org, team, held)
        count += len(held)
    return count


def _past_one_on_one(org, team, pm, first, week, number, now):
    """The pair's 1:1 of the `week`th week from `first`, held at ten; its notes rendered (a
    bulk insert does not save them one by one)."""
    when = min(_at_ten(start_of(first + timedelta(days=7 * week))), now)
    one_on_one = OneOnOne(
        leader=team.leader,
        pm=pm,
        team=team,
        scheduled_for=when,
        held_at=when,
        shared_notes=in_language(
            PAST_SHARED_NOTES[(number + team.pk) % len(PAST_SHARED_NOTES)], org.language, FRENCH
        ),
        private_notes=in_language(
            PAST_PRIVATE_NOTES[number % len(PAST_PRIVATE_NOTES)], org.language, FRENCH
        ),
    )
    for field in OneOnOne.NOTES.values():
        one_on_one.render_notes(field)
    return one_on_one


def _past_action_items(org, team, pm, held):
    """An action item every ACTION_EVERY 1:1s of `held`, the leader's and the PM's in turn,
    each done (some late); the leader's about the team's latest obstacle, if any."""
    items = []
    for number, one_on_one in enumerate(held[::ACTION_EVERY]):
        by_leader = number % 2 == 0
        obstacle = None
        text = PAST_ACTIONS[number % len(PAST_ACTIONS)]
        if by_leader:
            obstacle = (
                team.obstacles.filter(
                    opened_at__lte=one_on_one.held_at,
                    opened_at__gt=one_on_one.held_at - timedelta(days=14),
                )
                .order_by("-severity", "opened_at")
                .first()
            )
            if obstacle and obstacle.kind in ACTION_FOR_KIND:
                text = ACTION_FOR_KIND[obstacle.kind]
        items.append(
            ActionItem(
                one_on_one=one_on_one,
                owner=team.leader if by_leader else pm,
                text=in_language(text, org.language, FRENCH),
                due_date=timezone.localdate(one_on_one.held_at) + timedelta(days=ACTION_DUE_DAYS),
                obstacle=obstacle,
                done_at=one_on_one.held_at
                + timedelta(days=ACTION_DONE_DAYS[number % len(ACTION_DONE_DAYS)]),
                created_at=one_on_one.held_at,
            )
        )
    ActionItem.objects.bulk_create(items)


def _past_learnings(org, team, held):
    for quarter, slug, week, title, body, shared_with in PAST_LEARNINGS:
        one_on_one = held.get((quarter, week))
        if slug != team.slug or one_on_one is None:
            continue
        learning = Learning.objects.create(
            title=in_language(title, org.language, FRENCH),
            body=in_language(body, org.language, FRENCH),
            source_team=team,
            one_on_one=one_on_one,
            author=team.leader,
            for_everyone=shared_with == "everyone",
            created_at=one_on_one.held_at + timedelta(hours=2),
        )
        if shared_with != "everyone":
            learning.teams.set([org.teams[other] for other in shared_with])
