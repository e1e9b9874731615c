"""The demo organization's obstacles (used by `manage.py seed_demo`, after objectives).

Every kind is there; the payments platform holds up four teams (case 4 of the article);
Checkout has an urgent customer escalation and a stakeholder decision due this week; some
are resolved or accepted as a risk, with their resolutions. No e-mail is sent for them.
"""

from datetime import timedelta

from headway.people import display_name
from objectives.demo import in_language
from objectives.models import Objective

from .models import Obstacle, ObstacleEvent

STATUS = ObstacleEvent.Kind.STATUS_CHANGED
COMMENT = ObstacleEvent.Kind.COMMENT
OWNER = ObstacleEvent.Kind.OWNER_CHANGED

# (team, title, description, logged by, hours ago, fields, [(hours ago, actor, event, value)])
# An event's value is the new status (with the resolution after a "|"), the new owner's
# username, or a comment's text. FRENCH, below, has each text in French.
OBSTACLES = [
    (
        "checkout",
        "Card payments from our largest agency partner fail at checkout",
        "Since yesterday's release about 30 % of card payments from Atlas Travel end in a "
        "timeout. They book 12 % of our volume and their account manager called twice.",
        "pm",
        20,
        dict(
            kind="customer",
            severity=4,
            is_urgent=True,
            help_wanted="team_time",
            help_detail="Two payments engineers for a day to trace the timeouts with us.",
        ),
        [
            (19, "pm", OWNER, "jonas"),
            (
                16,
                "jonas",
                COMMENT,
                "The timeouts start at the 3-D Secure "
                "redirect: only cards from two issuing banks are affected.",
            ),
        ],
    ),
    (
        "checkout",
        "3-D Secure 2 flow needs the platform's new payment-intent API",
        "Our objective to cut payment failures depends on the payment-intent API the "
        "payments platform planned for this quarter; it has slipped twice.",
        "pm",
        24 * 18,
        dict(
            kind="dependency",
            blocking="payments-platform",
            severity=3,
            help_wanted="team_time",
            help_detail="A date from the platform team we can plan on.",
        ),
        [
            (24 * 17, "leader", STATUS, "in_progress"),
            (
                24 * 9,
                "elena",
                COMMENT,
                "We can ship a "
                "beta of the API to Checkout first, in two weeks, if you test it with us.",
            ),
        ],
    ),
    (
        "checkout",
        "Finance wants manual fraud review kept on every order",
        "Finance asks to keep the manual review on all orders while we move to automated "
        "scoring: it would cancel most of the conversion gain of our objective.",
        "pm",
        24 * 4,
        dict(
            kind="stakeholder",
            severity=3,
            decide_by_days=3,
            help_wanted="stakeholder",
            help_detail="Meet the CFO with us to agree on a threshold for manual review.",
        ),
        [
            (
                24 * 2,
                "leader",
                COMMENT,
                "I have 30 minutes with the CFO on Thursday: send me the "
                "fraud figures of the pilot.",
            )
        ],
    ),
    (
        "onboarding",
        "Invoice payouts for business accounts wait on the payments platform",
        "Business customers must be able to pay by invoice before their first booking; the "
        "platform has no invoice payout yet.",
        "aisha",
        24 * 26,
        dict(
            kind="platform",
            blocking="payments-platform",
            severity=3,
            help_wanted="decision",
            help_detail="Decide whether invoice payouts come before the platform's own roadmap.",
        ),
        [(24 * 20, "lucas", COMMENT, "Not before next quarter with today's team.")],
    ),
    (
        "mobile",
        "Apple Pay tokenization waits on the payments platform",
        "The app's one-tap payment needs network tokens from the platform.",
        "nadia",
        24 * 12,
        dict(kind="platform", blocking="payments-platform", severity=2),
        [],
    ),
    (
        "partner-api",
        "Partners need a refund webhook",
        "Three partners refund by hand because the platform sends no refund event.",
        "lina",
        24 * 33,
        dict(
            kind="dependency",
            blocking="payments-platform",
            severity=2,
            help_wanted="team_time",
            help_detail="One sprint of the platform team.",
        ),
        [(24 * 30, "leader2", STATUS, "in_progress"), (24 * 30, "leader2", OWNER, "lina")],
    ),
    (
        "search",
        "No one on the team knows vector search",
        "Semantic search is our main objective and nobody has run a vector index in production.",
        "priya",
        24 * 20,
        dict(
            kind="capability",
            severity=3,
            help_wanted="engineer",
            help_detail="An engineer who has run a vector index, for six weeks.",
        ),
        [
            (24 * 15, "leader", STATUS, "in_progress"),
            (
                24 * 6,
                "omar",
                COMMENT,
                "Two of us finished the training; a first index runs in staging.",
            ),
        ],
    ),
    (
        "growth",
        "Legal questions the referral reward in three markets",
        "Legal says the referral credit may count as a lottery in three markets.",
        "mark",
        24 * 5,
        dict(
            kind="stakeholder",
            severity=2,
            decide_by_days=12,
            help_wanted="decision",
            help_detail="Launch without those markets, or wait for Legal's opinion?",
        ),
        [],
    ),
    (
        "search",
        "Staging environment is too flaky to release twice a week",
        "",
        "omar",
        24 * 45,
        dict(kind="other", severity=1),
        [],
    ),
    (
        "onboarding",
        "Company search index lacks business listings",
        "Business sign-up needs company look-up; the search index had no business listings.",
        "aisha",
        24 * 62,
        dict(kind="dependency", blocking="search", severity=2),
        [
            (
                24 * 40,
                "priya",
                STATUS,
                "resolved|Search indexed the company registry; sign-up "
                "now finds 98 % of companies.",
            )
        ],
    ),
    (
        "mobile",
        "Offline mode needs a local database we have never used",
        "",
        "nadia",
        24 * 50,
        dict(kind="capability", severity=2),
        [
            (
                24 * 35,
                "leader2",
                STATUS,
                "accepted|We ship offline mode read-only this quarter "
                "and accept the risk of a slower sync; the team learns the database on the way.",
            )
        ],
    ),
    (
        "growth",
        "E-mail provider throttles our campaign sends",
        "",
        "mark",
        24 * 30,
        dict(kind="other", severity=1),
        [
            (
                24 * 27,
                "mark",
                STATUS,
                "withdrawn|It was a misconfigured sending domain, fixed by ourselves.",
            )
        ],
    ),
    (
        "checkout",
        "Currency conversion API rate limits block multi-currency prices",
        "",
        "pm",
        24 * 70,
        dict(kind="platform", blocking="payments-platform", severity=3),
        [
            (
                24 * 55,
                "elena",
                STATUS,
                "resolved|The platform raised the limits and added a cache of daily rates.",
            )
        ],
    ),
]

# The same obstacles in French (`seed_demo --lang fr`), as a French product organization would
# log them; typeset by objectives.demo.french_typography. Seeding in French stops on a text
# missing here (tests/headway/test_i18n_demo.py).
FRENCH = {
    # Checkout: the urgent customer escalation
    "Card payments from our largest agency partner fail at checkout": (
        "Les paiements par carte de notre plus grosse agence partenaire échouent"
    ),
    "Since yesterday's release about 30 % of card payments from Atlas Travel end in a "
    "timeout. They book 12 % of our volume and their account manager called twice.": (
        "Depuis la mise en production d'hier, environ 30 % des paiements par carte d'Atlas "
        "Travel finissent en timeout. Atlas pèse 12 % de notre volume et leur interlocuteur "
        "nous a déjà appelés deux fois."
    ),
    "Two payments engineers for a day to trace the timeouts with us.": (
        "Deux ingénieurs de la plateforme paiements pendant une journée, pour remonter la piste "
        "des timeouts avec nous."
    ),
    "The timeouts start at the 3-D Secure redirect: only cards from two issuing banks are "
    "affected.": (
        "Les timeouts commencent à la redirection 3-D Secure : seules les cartes de deux banques "
        "émettrices sont touchées."
    ),
    # Checkout: waiting on the platform's API
    "3-D Secure 2 flow needs the platform's new payment-intent API": (
        "Le parcours 3-D Secure 2 attend la nouvelle API payment intent de la plateforme"
    ),
    "Our objective to cut payment failures depends on the payment-intent API the payments "
    "platform planned for this quarter; it has slipped twice.": (
        "Notre objectif de réduire les échecs de paiement dépend de l'API payment intent que la "
        "plateforme paiements avait prévue ce trimestre ; sa livraison a déjà glissé deux fois."
    ),
    "A date from the platform team we can plan on.": (
        "Une date de l'équipe plateforme sur laquelle nous pouvons nous engager."
    ),
    "We can ship a beta of the API to Checkout first, in two weeks, if you test it with us.": (
        "Nous pouvons livrer une bêta de l'API à l'équipe Paiement en premier, d'ici deux "
        "semaines, si vous la testez avec nous."
    ),
    # Checkout: the stakeholder decision due this week
    "Finance wants manual fraud review kept on every order": (
        "La direction financière veut garder le contrôle manuel anti-fraude sur chaque commande"
    ),
    "Finance asks to keep the manual review on all orders while we move to automated "
    "scoring: it would cancel most of the conversion gain of our objective.": (
        "La direction financière demande de garder le contrôle manuel sur toutes les commandes "
        "pendant le passage au scoring automatique : cela annulerait l'essentiel du gain de "
        "conversion visé par notre objectif."
    ),
    "Meet the CFO with us to agree on a threshold for manual review.": (
        "Rencontrer le DAF avec nous pour fixer le seuil au-delà duquel le contrôle reste manuel."
    ),
    "I have 30 minutes with the CFO on Thursday: send me the fraud figures of the pilot.": (
        "J'ai une demi-heure avec le DAF jeudi : envoyez-moi les chiffres de fraude du pilote."
    ),
    # Onboarding and the platform
    "Invoice payouts for business accounts wait on the payments platform": (
        "Le paiement sur facture des comptes entreprises attend la plateforme paiements"
    ),
    "Business customers must be able to pay by invoice before their first booking; the "
    "platform has no invoice payout yet.": (
        "Les clients entreprises doivent pouvoir payer sur facture avant leur première "
        "réservation ; la plateforme ne sait pas encore le faire."
    ),
    "Decide whether invoice payouts come before the platform's own roadmap.": (
        "Un arbitrage : le paiement sur facture passe-t-il avant la feuille de route de la "
        "plateforme ?"
    ),
    "Not before next quarter with today's team.": (
        "Pas avant le trimestre prochain avec l'équipe actuelle."
    ),
    # Mobile and Partner API, also waiting on the platform
    "Apple Pay tokenization waits on the payments platform": (
        "La tokenisation Apple Pay attend la plateforme paiements"
    ),
    "The app's one-tap payment needs network tokens from the platform.": (
        "Le paiement en un clic de l'application a besoin des tokens réseau de la plateforme."
    ),
    "Partners need a refund webhook": "Les partenaires ont besoin d'un webhook de remboursement",
    "Three partners refund by hand because the platform sends no refund event.": (
        "Trois partenaires remboursent à la main, faute d'événement de remboursement envoyé par "
        "la plateforme."
    ),
    "One sprint of the platform team.": "Un sprint de l'équipe plateforme.",
    # Search: a capability to acquire
    "No one on the team knows vector search": (
        "Personne dans l'équipe ne maîtrise la recherche vectorielle"
    ),
    "Semantic search is our main objective and nobody has run a vector index in production.": (
        "La recherche sémantique est notre objectif principal, et personne n'a jamais exploité "
        "d'index vectoriel en production."
    ),
    "An engineer who has run a vector index, for six weeks.": (
        "Un ingénieur qui a déjà exploité un index vectoriel, pour six semaines."
    ),
    "Two of us finished the training; a first index runs in staging.": (
        "Deux d'entre nous ont terminé la formation ; un premier index tourne en préproduction."
    ),
    # Growth: a stakeholder's concern
    "Legal questions the referral reward in three markets": (
        "Le juridique conteste la prime de parrainage sur trois marchés"
    ),
    "Legal says the referral credit may count as a lottery in three markets.": (
        "Selon le service juridique, le crédit de parrainage pourrait être assimilé à une "
        "loterie sur trois marchés."
    ),
    "Launch without those markets, or wait for Legal's opinion?": (
        "Arbitrage à rendre : lancer sans ces trois marchés, ou attendre l'avis du juridique ?"
    ),
    # Smaller ones, and those already behind us
    "Staging environment is too flaky to release twice a week": (
        "La préproduction est trop instable pour livrer deux fois par semaine"
    ),
    "Company search index lacks business listings": (
        "Les entreprises manquent dans l'index de recherche"
    ),
    "Business sign-up needs company look-up; the search index had no business listings.": (
        "L'inscription des entreprises passe par la recherche de la société ; l'index de "
        "recherche ne contenait aucune entreprise."
    ),
    "Search indexed the company registry; sign-up now finds 98 % of companies.": (
        "L'équipe Recherche a indexé le registre des entreprises ; l'inscription retrouve "
        "désormais 98 % des sociétés."
    ),
    "Offline mode needs a local database we have never used": (
        "Le mode hors connexion exige une base de données locale que nous n'avons jamais utilisée"
    ),
    "We ship offline mode read-only this quarter and accept the risk of a slower sync; the "
    "team learns the database on the way.": (
        "Nous livrons ce trimestre un mode hors connexion en lecture seule et acceptons le risque "
        "d'une synchronisation plus lente ; l'équipe monte en compétence sur la base au fil de "
        "l'eau."
    ),
    "E-mail provider throttles our campaign sends": (
        "Notre routeur d'e-mails bride l'envoi de nos campagnes"
    ),
    "It was a misconfigured sending domain, fixed by ourselves.": (
        "C'était un domaine d'envoi mal configuré, que nous avons corrigé nous-mêmes."
    ),
    "Currency conversion API rate limits block multi-currency prices": (
        "Les quotas de l'API de conversion de devises bloquent les prix multidevises"
    ),
    "The platform raised the limits and added a cache of daily rates.": (
        "La plateforme a relevé les quotas et ajouté un cache des taux du jour."
    ),
}


def seed_obstacles(org):
    """Create the demo obstacles with their timelines; ones already there are left alone."""
    now = org.now
    created = []
    for slug, title, description, by, hours, fields, events in OBSTACLES:
        team = org.teams[slug]
        title = in_language(title, org.language, FRENCH)
        if team.obstacles.filter(title=title).exists():
            continue
        fields = dict(fields)
        fields["help_detail"] = in_language(fields.get("help_detail", ""), org.language, FRENCH)
        blocking = fields.pop("blocking", None)
        decide_by_days = fields.pop("decide_by_days", None)
        opened = now - timedelta(hours=hours)
        obstacle = Obstacle(
            team=team,
            title=title,
            description=in_language(description, org.language, FRENCH),
            created_by=org.users[by],
            blocking_team=org.teams[blocking] if blocking else None,
            decide_by=org.today + timedelta(days=decide_by_days)
            if decide_by_days is not None
            else None,
            opened_at=opened,
            last_activity_at=opened,
            **fields,
        )
        obstacle.clean()
        obstacle.save()
        objective = Objective.objects.filter(team=team, quarter=org.current_quarter).first()
        if objective:
            obstacle.threatened_objectives.add(objective)
        timeline = [ObstacleEvent(kind=ObstacleEvent.Kind.CREATED, actor=obstacle.created_by)]
        timeline[0].created_at = opened
        if obstacle.is_urgent:
            timeline.append(
                ObstacleEvent(
                    kind=ObstacleEvent.Kind.ESCALATED, actor=obstacle.created_by, created_at=opened
                )
            )
        for event_hours, actor, kind, value in events:
            timeline.append(
                _event(obstacle, now - timedelta(hours=event_hours), org, actor, kind, value)
            )
        for version, event in enumerate(timeline, start=1):
            event.obstacle, event.version = obstacle, version
        ObstacleEvent.objects.bulk_create(timeline)
        obstacle.version = len(timeline)
        obstacle.last_activity_at = timeline[-1].created_at
        obstacle.save()
        created.append(obstacle.pk)
    Obstacle.objects.filter(pk__in=created).refresh_search_vector()
    return len(created)


def _event(obstacle, at, org, actor, kind, value):
    """One timeline event, applied to the obstacle as it happens."""
    event = ObstacleEvent(kind=kind, actor=org.users[actor], created_at=at)
    if kind == STATUS:
        status, _sep, resolution = value.partition("|")
        resolution = in_language(resolution, org.language, FRENCH)
        event.from_value, event.to_value, event.text = obstacle.status, status, resolution
        obstacle.status, obstacle.resolution = status, resolution
        if status in Obstacle.CLOSED_STATUSES:
            obstacle.closed_at = at
    elif kind == OWNER:
        owner = org.users[value]
        event.to_value = display_name(owner)
        obstacle.owner = owner
    else:
        event.text = in_language(value, org.language, FRENCH)
    return event
