"""The demo organization's obstacles (used by `manage.py seed_demo`, after objectives).

Every kind is there; the payments platform holds up four teams (case 4 of the article);
Checkout has an urgent customer escalation and a stakeholder decision due this week; some
are resolved or accepted as a risk, with their resolutions. No e-mail is sent for them.
"""

from datetime import UTC, datetime, time, timedelta

from django.utils import timezone

from headway.people import display_name
from objectives.demo import QUARTER_DAYS, in_language
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
                24 * 70 - 4,
                "elena",
                COMMENT,
                "Raising the limits takes the provider two weeks; we cache rates meanwhile.",
            ),
            (
                24 * 55,
                "elena",
                STATUS,
                "resolved|The platform raised the limits and added a cache of daily rates.",
            ),
        ],
    ),
]

ESCALATE = ObstacleEvent.Kind.ESCALATED
DAY = 24

# The two quarters before this one, as the obstacles' timelines recorded them: in the earlier
# one, the payments platform is the team most waited on and the slowest to answer (days,
# sometimes two weeks, before a first word from its people; its obstacles open a month and
# more; escalations wait days); it misses its own objective of answering within a week, then
# sets up one intake with a weekly triage, and in the previous quarter it answers within hours
# and removes most of what it holds up within a week. Every kind is there; decisions made
# before their decide-by date and after it; some removed the same day, some open for months.
#
# (quarter, team, title, description, logged by, (day of the quarter, hour), fields,
# [(hours after logging, actor, event, value)]); the quarter is "earlier" (the one before the
# previous) or "previous". A decide-by date is given in days after logging. An event's value
# is as in OBSTACLES; ESCALATE marks it urgent.
HISTORY = [
    # The earlier quarter: the platform team is the bottleneck.
    (
        "earlier",
        "checkout",
        "Refunds to wallets need the platform's refund API",
        "Wallet refunds are issued by hand; the platform's refund API has no date yet.",
        "pm",
        (6, 10),
        dict(
            kind="platform",
            blocking="payments-platform",
            severity=3,
            help_wanted="team_time",
            help_detail="A date for the refund API we can plan on.",
        ),
        [
            (26, "leader", COMMENT, "Raised at the platform review: no slot before next month."),
            (
                9 * DAY,
                "elena",
                COMMENT,
                "We can start in three weeks, once the gateway migration is done.",
            ),
            (20 * DAY, "lucas", STATUS, "in_progress"),
            (
                41 * DAY,
                "elena",
                STATUS,
                "resolved|The refund API is live for Checkout; wallet refunds are automatic.",
            ),
        ],
    ),
    (
        "earlier",
        "onboarding",
        "Business accounts need invoices in their own currency",
        "Companies outside the euro zone cannot get an invoice in their currency: the "
        "platform's ledger keeps euros only.",
        "aisha",
        (10, 14),
        dict(
            kind="dependency",
            blocking="payments-platform",
            severity=3,
            help_wanted="decision",
            help_detail="Decide whether invoice currencies come before the platform's roadmap.",
        ),
        [
            (3 * DAY, "leader", COMMENT, "I will bring it to the platform's quarterly planning."),
            (12 * DAY, "lucas", COMMENT, "On our list after the gateway migration, not before."),
            (23 * DAY, "leader", OWNER, "lucas"),
            (
                55 * DAY,
                "lucas",
                STATUS,
                "resolved|The ledger keeps each invoice's currency; Onboarding issues them.",
            ),
        ],
    ),
    (
        "earlier",
        "mobile",
        "Trip extras in the app wait on the payments platform",
        "Selling seats and luggage in the app needs payment sessions the platform does not "
        "offer yet.",
        "nadia",
        (14, 11),
        dict(kind="platform", blocking="payments-platform", severity=2),
        [
            (50, "leader2", COMMENT, "I asked Maya to put payment sessions on the roadmap."),
            (8 * DAY, "elena", COMMENT, "Payment sessions fit in our sprint after next."),
            (
                26 * DAY,
                "elena",
                STATUS,
                "resolved|Payment sessions are live; the app sells seats and luggage.",
            ),
        ],
    ),
    (
        "earlier",
        "partner-api",
        "Partner payouts late for the third week running",
        "Four partners were paid late three weeks in a row; two threaten to stop selling our "
        "inventory.",
        "lina",
        (20, 9),
        dict(
            kind="customer",
            severity=4,
            is_urgent=True,
            help_wanted="team_time",
            help_detail="A manual payout run every Friday until the platform fixes payouts.",
        ),
        [
            (
                50,
                "leader2",
                COMMENT,
                "I am calling their head of partnerships today with a plan.",
            ),
            (51, "leader2", OWNER, "sofia"),
            (
                9 * DAY,
                "sofia",
                STATUS,
                "resolved|A manual payout run every Friday pays partners on time until "
                "reconciliation ships.",
            ),
        ],
    ),
    (
        "earlier",
        "partner-api",
        "Payout reconciliation for partners waits on the platform",
        "Partners cannot reconcile their payouts without the platform's settlement files.",
        "lina",
        (22, 15),
        dict(
            kind="dependency",
            blocking="payments-platform",
            severity=3,
            help_wanted="team_time",
            help_detail="One platform engineer for two weeks.",
        ),
        [
            (
                6 * DAY,
                "lucas",
                COMMENT,
                "Settlement files are on our list; we cannot start before next month.",
            ),
            (
                7 * DAY,
                "leader2",
                COMMENT,
                "This holds up our main objective. Maya, can we talk about the platform's "
                "priorities?",
            ),
            (8 * DAY, "leader", COMMENT, "Yes: Thursday's platform review ranks every request."),
            (
                34 * DAY,
                "elena",
                STATUS,
                "resolved|Settlement files are published daily; partners reconcile from them.",
            ),
        ],
    ),
    (
        "earlier",
        "payments-platform",
        "Fraud scoring needs search signals",
        "The fraud model needs to know how long each traveller searched before booking.",
        "lucas",
        (25, 13),
        dict(kind="dependency", blocking="search", severity=2),
        [
            (20, "priya", COMMENT, "We log search sessions already: you get them by Friday."),
            (
                9 * DAY,
                "omar",
                STATUS,
                "resolved|Search sessions go to the fraud model every hour.",
            ),
        ],
    ),
    (
        "earlier",
        "growth",
        "Referral credits need a ledger on the payments platform",
        "Referral credits are paid from a spreadsheet: the platform has no ledger for them.",
        "mark",
        (30, 10),
        dict(kind="platform", blocking="payments-platform", severity=2),
        [
            (3 * DAY, "leader2", STATUS, "in_progress"),
            (10 * DAY, "lucas", COMMENT, "A ledger for credits is planned after the refund API."),
            (20 * DAY, "mark", ESCALATE, ""),
            (
                20 * DAY + 70,
                "lucas",
                COMMENT,
                "Sorry for the wait: the ledger starts on Monday and is ready in two weeks.",
            ),
            (
                45 * DAY,
                "elena",
                STATUS,
                "resolved|Referral credits are paid from the platform's ledger within a day.",
            ),
        ],
    ),
    (
        "earlier",
        "checkout",
        "An airline partner double-charges cancelled bookings",
        "Since Tuesday, cancelling a SkyLink booking charges the traveller twice; support has "
        "80 tickets.",
        "pm",
        (35, 16),
        dict(
            kind="customer",
            severity=4,
            is_urgent=True,
            help_wanted="engineer",
            help_detail="An engineer who knows the airline's payment files.",
        ),
        [
            (1, "pm", OWNER, "jonas"),
            (
                30,
                "leader",
                COMMENT,
                "I have a call with the airline's account manager tomorrow morning.",
            ),
            (
                6 * DAY,
                "jonas",
                STATUS,
                "resolved|The airline fixed its cancellation file; the 80 travellers were "
                "refunded.",
            ),
        ],
    ),
    (
        "earlier",
        "search",
        "Nobody can tune the ranking model",
        "The ranking model was built by a contractor who left; nobody on the team can retrain it.",
        "priya",
        (8, 10),
        dict(
            kind="capability",
            severity=3,
            help_wanted="engineer",
            help_detail="A data scientist for a month.",
        ),
        [
            (
                4 * DAY,
                "leader",
                COMMENT,
                "No data scientist is free before next quarter; I am asking the data team.",
            ),
            (
                30 * DAY,
                "leader",
                STATUS,
                "accepted|We keep the old ranking this quarter and accept the risk; a data "
                "scientist joins next quarter.",
            ),
        ],
    ),
    (
        "earlier",
        "search",
        "Marketing wants sponsored results on the first page",
        "Marketing sold sponsored hotel placements: they would push the best matches off the "
        "first page.",
        "priya",
        (40, 11),
        dict(
            kind="stakeholder",
            severity=3,
            decide_by_days=7,
            help_wanted="decision",
            help_detail="Decide where sponsored results may appear.",
        ),
        [
            (2 * DAY, "leader", COMMENT, "I will meet Marketing's director before deciding."),
            (
                12 * DAY,
                "leader",
                STATUS,
                "resolved|Sponsored results appear from the fourth place down, marked as such.",
            ),
        ],
    ),
    (
        "earlier",
        "growth",
        "The brand team holds up the new referral e-mails",
        "The brand team wants to review every referral e-mail, which would delay the relaunch "
        "by a month.",
        "mark",
        (15, 14),
        dict(
            kind="stakeholder",
            severity=2,
            decide_by_days=10,
            help_wanted="decision",
            help_detail="Decide who approves referral e-mails.",
        ),
        [
            (
                26,
                "leader2",
                COMMENT,
                "Send me the three e-mails: I will settle it with the brand team this week.",
            ),
            (
                7 * DAY,
                "leader2",
                STATUS,
                "resolved|The brand team approves the templates once; Growth writes the e-mails.",
            ),
        ],
    ),
    (
        "earlier",
        "onboarding",
        "Sandbox accounts expire during long trials",
        "",
        "kenji",
        (50, 9),
        dict(kind="other", severity=1),
        [(20, "kenji", STATUS, "resolved|Trial sandboxes now last 60 days.")],
    ),
    (
        "earlier",
        "mobile",
        "Trip updates from partners arrive a day late",
        "The app shows changes to partner bookings a day late: it needs the partner API's "
        "change events.",
        "nadia",
        (60, 10),
        dict(kind="dependency", blocking="partner-api", severity=2),
        [
            (
                26,
                "sofia",
                COMMENT,
                "Change events are ready in staging; partners switch over next week.",
            ),
            (
                12 * DAY,
                "sofia",
                STATUS,
                "resolved|Changes to partner bookings reach the app within a minute.",
            ),
        ],
    ),
    (
        "earlier",
        "checkout",
        "Chargeback disputes are handled by hand",
        "Checkout answers every chargeback by e-mail: the platform has no dispute API.",
        "pm",
        (62, 11),
        dict(
            kind="platform",
            blocking="payments-platform",
            severity=2,
            help_wanted="team_time",
            help_detail="A dispute API, or a date for one.",
        ),
        [
            (10 * DAY, "elena", COMMENT, "Disputes come after the ledger: next quarter, really."),
            (25 * DAY, "leader", COMMENT, "It is first on the platform's list for next quarter."),
            (
                49 * DAY,
                "elena",
                STATUS,
                "resolved|The dispute API is live; chargebacks are answered automatically.",
            ),
        ],
    ),
    (
        "earlier",
        "growth",
        "Analytics counts sign-ups twice",
        "",
        "mark",
        (70, 15),
        dict(kind="other", severity=1),
        [(44, "mark", STATUS, "withdrawn|A filter in our own dashboard: the data was right.")],
    ),
    # The previous quarter: one intake and a weekly triage; the platform answers within hours.
    (
        "previous",
        "checkout",
        "Apple Pay certificate renewal needs the platform",
        "Our Apple Pay merchant certificate expires in three weeks and only the platform can "
        "renew it.",
        "pm",
        (5, 10),
        dict(kind="platform", blocking="payments-platform", severity=3),
        [
            (3, "elena", STATUS, "in_progress"),
            (4, "elena", COMMENT, "On it: we renew it this week and automate the renewal."),
            (50, "elena", STATUS, "resolved|Certificate renewed, and the renewal is automated."),
        ],
    ),
    (
        "previous",
        "onboarding",
        "Business invoices need VAT numbers from the ledger",
        "Invoices to companies must show their VAT number, which the ledger does not keep.",
        "aisha",
        (12, 14),
        dict(kind="platform", blocking="payments-platform", severity=2),
        [
            (5, "lucas", COMMENT, "In Monday's triage; we can add the field this sprint."),
            (
                6 * DAY,
                "lucas",
                STATUS,
                "resolved|The ledger keeps VAT numbers; invoices show them.",
            ),
        ],
    ),
    (
        "previous",
        "payments-platform",
        "Finance wants daily reconciliation reports",
        "Finance asks for a daily reconciliation report; making it by hand takes a person a day "
        "each week.",
        "lucas",
        (15, 10),
        dict(
            kind="stakeholder",
            severity=2,
            decide_by_days=14,
            help_wanted="decision",
            help_detail="Decide whether automating it comes before other teams' requests.",
        ),
        [
            (8, "leader", COMMENT, "Other teams first; Finance gets a weekly report until then."),
            (
                10 * DAY,
                "leader",
                STATUS,
                "resolved|A weekly report for Finance now; the daily one is automated next "
                "quarter.",
            ),
        ],
    ),
    (
        "previous",
        "mobile",
        "Android offline trips need the platform's receipts",
        "Offline trips on Android need payment receipts stored on the phone; the platform's "
        "receipts are online only.",
        "nadia",
        (18, 11),
        dict(
            kind="dependency",
            blocking="payments-platform",
            severity=3,
            help_wanted="team_time",
            help_detail="Someone from the platform for a week.",
        ),
        [
            (2, "elena", COMMENT, "We can export signed receipts: let's pair on it on Thursday."),
            (3 * DAY, "ben", COMMENT, "Paired with Elena: the format works offline."),
            (
                40 * DAY,
                "elena",
                STATUS,
                "resolved|Signed receipts come with each trip; Android shows them offline.",
            ),
        ],
    ),
    (
        "previous",
        "search",
        "No one can run the new search cluster",
        "The new search cluster needs someone who has run one; our only expert left.",
        "priya",
        (20, 10),
        dict(
            kind="capability",
            severity=3,
            help_wanted="engineer",
            help_detail="An engineer from the infrastructure team for a month.",
        ),
        [
            (6, "leader", COMMENT, "Infrastructure lends us an engineer for three weeks."),
            (
                25 * DAY,
                "omar",
                STATUS,
                "resolved|Two of us run the cluster now; the runbook is in the wiki.",
            ),
        ],
    ),
    (
        "previous",
        "partner-api",
        "Our largest partner's bookings fail after the API release",
        "Since this morning's release, 40 % of TravelHub's bookings fail with a validation error.",
        "lina",
        (25, 9),
        dict(
            kind="customer",
            severity=4,
            is_urgent=True,
            help_wanted="engineer",
            help_detail="Someone to roll back with us now.",
        ),
        [
            (
                2,
                "leader2",
                COMMENT,
                "Roll back first, explain later: I am telling TravelHub's director.",
            ),
            (2.5, "leader2", OWNER, "sofia"),
            (
                20,
                "sofia",
                STATUS,
                "resolved|Rolled back within the hour; a contract test now guards the booking "
                "format.",
            ),
        ],
    ),
    (
        "previous",
        "growth",
        "Referral payouts need a second currency",
        "Referral credits earned in pounds are paid in euros; British referrers complain.",
        "mark",
        (30, 10),
        dict(kind="platform", blocking="payments-platform", severity=2),
        [
            (
                6,
                "lucas",
                COMMENT,
                "Triage tomorrow: the ledger can do it, we need to switch it on.",
            ),
            (4 * DAY, "lucas", STATUS, "resolved|Credits are paid in the referrer's currency."),
        ],
    ),
    (
        "previous",
        "partner-api",
        "Sales promises partners custom rate limits",
        "Sales offered three partners rate limits above what the API can serve.",
        "lina",
        (33, 15),
        dict(
            kind="stakeholder",
            severity=2,
            decide_by_days=10,
            help_wanted="decision",
            help_detail="Decide whether partners may have limits of their own.",
        ),
        [
            (70, "leader2", COMMENT, "I am asking Sales which deals depend on it."),
            (
                14 * DAY,
                "leader2",
                STATUS,
                "resolved|No limits of their own; partners with more traffic get a dedicated "
                "pool next quarter.",
            ),
        ],
    ),
    (
        "previous",
        "search",
        "Price filters need prices with fees from the platform",
        "Filtering by price is wrong without the fees, which only the platform computes.",
        "priya",
        (40, 10),
        dict(kind="dependency", blocking="payments-platform", severity=2),
        [
            (6, "lucas", COMMENT, "The fee service can answer in bulk; specs by tomorrow."),
            (
                3 * DAY,
                "lucas",
                STATUS,
                "resolved|Search reads prices with fees from the fee service.",
            ),
        ],
    ),
    (
        "previous",
        "checkout",
        "Legal wants consent before saving cards",
        "Legal asks for an explicit consent step before we save a card: one more screen in "
        "checkout.",
        "pm",
        (45, 11),
        dict(
            kind="stakeholder",
            severity=3,
            decide_by_days=7,
            help_wanted="stakeholder",
            help_detail="Agree with Legal on a consent that fits in the payment screen.",
        ),
        [
            (22, "leader", COMMENT, "Meeting Legal on Wednesday with a mock-up of the consent."),
            (
                5 * DAY,
                "leader",
                STATUS,
                "resolved|Legal accepted a consent box in the payment screen: no extra step.",
            ),
        ],
    ),
    (
        "previous",
        "growth",
        "No one knows the new e-mail tool",
        "",
        "mark",
        (10, 14),
        dict(kind="capability", severity=1),
        [
            (30, "leader2", COMMENT, "Training is booked for next month."),
            (
                14 * DAY,
                "leader2",
                STATUS,
                "accepted|Campaigns stay on the old tool until the training; we accept the "
                "slower pace.",
            ),
        ],
    ),
    (
        "previous",
        "onboarding",
        "A key customer's admins cannot invite travellers",
        "Northwind's admins get an error when they invite more than 50 travellers at once.",
        "aisha",
        (55, 10),
        dict(kind="customer", severity=3),
        [
            (20, "aisha", ESCALATE, ""),
            (21.5, "leader", COMMENT, "Kenji, please drop the rest: I call Northwind at four."),
            (21.75, "leader", OWNER, "kenji"),
            (
                68,
                "kenji",
                STATUS,
                "resolved|Invitations go out in batches; Northwind invited its 400 travellers.",
            ),
        ],
    ),
    (
        "previous",
        "mobile",
        "The app store rejected our release",
        "The store's review team finds our location prompt unclear.",
        "nadia",
        (62, 16),
        dict(kind="other", severity=2),
        [(22, "ben", STATUS, "resolved|New wording for the location prompt; the release is live.")],
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
    "Raising the limits takes the provider two weeks; we cache rates meanwhile.": (
        "Relever les quotas prend deux semaines au fournisseur ; nous mettons les taux en cache "
        "d'ici là."
    ),
    "The platform raised the limits and added a cache of daily rates.": (
        "La plateforme a relevé les quotas et ajouté un cache des taux du jour."
    ),
    # The two quarters before this one (HISTORY): the earlier, the platform as bottleneck
    "Refunds to wallets need the platform's refund API": (
        "Les remboursements par portefeuille attendent l'API de remboursement de la plateforme"
    ),
    "Wallet refunds are issued by hand; the platform's refund API has no date yet.": (
        "Les remboursements par portefeuille se font à la main ; l'API de remboursement de la "
        "plateforme n'a pas encore de date."
    ),
    "A date for the refund API we can plan on.": (
        "Une date pour l'API de remboursement, sur laquelle nous pouvons planifier."
    ),
    "Raised at the platform review: no slot before next month.": (
        "Évoqué à la revue plateforme : pas de créneau avant le mois prochain."
    ),
    "We can start in three weeks, once the gateway migration is done.": (
        "Nous pouvons commencer dans trois semaines, une fois la migration de la passerelle "
        "terminée."
    ),
    "The refund API is live for Checkout; wallet refunds are automatic.": (
        "L'API de remboursement est en production pour l'équipe Paiement ; les remboursements "
        "par portefeuille sont automatiques."
    ),
    "Business accounts need invoices in their own currency": (
        "Les comptes entreprises ont besoin de factures dans leur devise"
    ),
    "Companies outside the euro zone cannot get an invoice in their currency: the platform's "
    "ledger keeps euros only.": (
        "Les entreprises hors zone euro ne peuvent pas obtenir de facture dans leur devise : le "
        "registre de la plateforme ne connaît que l'euro."
    ),
    "Decide whether invoice currencies come before the platform's roadmap.": (
        "Un arbitrage : les devises de facturation passent-elles avant la feuille de route de "
        "la plateforme ?"
    ),
    "I will bring it to the platform's quarterly planning.": (
        "Je le porte à la planification trimestrielle de la plateforme."
    ),
    "On our list after the gateway migration, not before.": (
        "Sur notre liste après la migration de la passerelle, pas avant."
    ),
    "The ledger keeps each invoice's currency; Onboarding issues them.": (
        "Le registre garde la devise de chaque facture ; l'équipe Onboarding les émet."
    ),
    "Trip extras in the app wait on the payments platform": (
        "Les options de voyage dans l'application attendent la plateforme paiements"
    ),
    "Selling seats and luggage in the app needs payment sessions the platform does not offer "
    "yet.": (
        "Vendre sièges et bagages dans l'application demande des sessions de paiement que la "
        "plateforme ne propose pas encore."
    ),
    "I asked Maya to put payment sessions on the roadmap.": (
        "J'ai demandé à Maya d'inscrire les sessions de paiement à la feuille de route."
    ),
    "Payment sessions fit in our sprint after next.": (
        "Les sessions de paiement tiennent dans notre sprint d'après."
    ),
    "Payment sessions are live; the app sells seats and luggage.": (
        "Les sessions de paiement sont en production ; l'application vend sièges et bagages."
    ),
    "Partner payouts late for the third week running": (
        "Versements aux partenaires en retard pour la troisième semaine de suite"
    ),
    "Four partners were paid late three weeks in a row; two threaten to stop selling our "
    "inventory.": (
        "Quatre partenaires ont été payés en retard trois semaines de suite ; deux menacent "
        "d'arrêter de vendre notre offre."
    ),
    "A manual payout run every Friday until the platform fixes payouts.": (
        "Un versement manuel chaque vendredi, le temps que la plateforme corrige les versements."
    ),
    "I am calling their head of partnerships today with a plan.": (
        "J'appelle aujourd'hui leur responsable des partenariats avec un plan."
    ),
    "A manual payout run every Friday pays partners on time until reconciliation ships.": (
        "Un versement manuel chaque vendredi paie les partenaires à l'heure en attendant le "
        "rapprochement."
    ),
    "Payout reconciliation for partners waits on the platform": (
        "Le rapprochement des versements aux partenaires attend la plateforme"
    ),
    "Partners cannot reconcile their payouts without the platform's settlement files.": (
        "Les partenaires ne peuvent pas rapprocher leurs versements sans les fichiers de "
        "règlement de la plateforme."
    ),
    "One platform engineer for two weeks.": "Un ingénieur de la plateforme pendant deux semaines.",
    "Settlement files are on our list; we cannot start before next month.": (
        "Les fichiers de règlement sont sur notre liste ; impossible de commencer avant le mois "
        "prochain."
    ),
    "This holds up our main objective. Maya, can we talk about the platform's priorities?": (
        "Cela bloque notre objectif principal. Maya, pouvons-nous parler des priorités de la "
        "plateforme ?"
    ),
    "Yes: Thursday's platform review ranks every request.": (
        "Oui : la revue plateforme de jeudi classe toutes les demandes."
    ),
    "Settlement files are published daily; partners reconcile from them.": (
        "Les fichiers de règlement sont publiés chaque jour ; les partenaires rapprochent à "
        "partir d'eux."
    ),
    "Fraud scoring needs search signals": "Le score de fraude a besoin des signaux de recherche",
    "The fraud model needs to know how long each traveller searched before booking.": (
        "Le modèle de fraude doit savoir combien de temps chaque voyageur a cherché avant de "
        "réserver."
    ),
    "We log search sessions already: you get them by Friday.": (
        "Nous enregistrons déjà les sessions de recherche : vous les aurez vendredi."
    ),
    "Search sessions go to the fraud model every hour.": (
        "Les sessions de recherche partent vers le modèle de fraude toutes les heures."
    ),
    "Referral credits need a ledger on the payments platform": (
        "Les crédits de parrainage ont besoin d'un registre sur la plateforme paiements"
    ),
    "Referral credits are paid from a spreadsheet: the platform has no ledger for them.": (
        "Les crédits de parrainage sont versés depuis un tableur : la plateforme n'a pas de "
        "registre pour eux."
    ),
    "A ledger for credits is planned after the refund API.": (
        "Un registre des crédits est prévu après l'API de remboursement."
    ),
    "Sorry for the wait: the ledger starts on Monday and is ready in two weeks.": (
        "Désolés pour l'attente : le registre démarre lundi et sera prêt dans deux semaines."
    ),
    "Referral credits are paid from the platform's ledger within a day.": (
        "Les crédits de parrainage sont versés depuis le registre de la plateforme en moins "
        "d'un jour."
    ),
    "An airline partner double-charges cancelled bookings": (
        "Une compagnie partenaire débite deux fois les réservations annulées"
    ),
    "Since Tuesday, cancelling a SkyLink booking charges the traveller twice; support has 80 "
    "tickets.": (
        "Depuis mardi, annuler une réservation SkyLink débite le voyageur deux fois ; le support "
        "a 80 tickets."
    ),
    "An engineer who knows the airline's payment files.": (
        "Un ingénieur qui connaît les fichiers de paiement de la compagnie."
    ),
    "I have a call with the airline's account manager tomorrow morning.": (
        "J'ai un appel avec le responsable du compte de la compagnie demain matin."
    ),
    "The airline fixed its cancellation file; the 80 travellers were refunded.": (
        "La compagnie a corrigé son fichier d'annulations ; les 80 voyageurs ont été remboursés."
    ),
    "Nobody can tune the ranking model": "Personne ne sait régler le modèle de classement",
    "The ranking model was built by a contractor who left; nobody on the team can retrain it.": (
        "Le modèle de classement a été construit par un prestataire parti depuis ; personne "
        "dans l'équipe ne sait le réentraîner."
    ),
    "A data scientist for a month.": "Un data scientist pendant un mois.",
    "No data scientist is free before next quarter; I am asking the data team.": (
        "Aucun data scientist n'est libre avant le trimestre prochain ; je demande à l'équipe data."
    ),
    "We keep the old ranking this quarter and accept the risk; a data scientist joins next "
    "quarter.": (
        "Nous gardons l'ancien classement ce trimestre et acceptons le risque ; un data "
        "scientist nous rejoint le trimestre prochain."
    ),
    "Marketing wants sponsored results on the first page": (
        "Le marketing veut des résultats sponsorisés en première page"
    ),
    "Marketing sold sponsored hotel placements: they would push the best matches off the "
    "first page.": (
        "Le marketing a vendu des emplacements d'hôtels sponsorisés : ils chasseraient les "
        "meilleurs résultats de la première page."
    ),
    "Decide where sponsored results may appear.": (
        "Décider où les résultats sponsorisés peuvent apparaître."
    ),
    "I will meet Marketing's director before deciding.": (
        "Je rencontre la directrice du marketing avant de trancher."
    ),
    "Sponsored results appear from the fourth place down, marked as such.": (
        "Les résultats sponsorisés apparaissent à partir de la quatrième place, signalés comme "
        "tels."
    ),
    "The brand team holds up the new referral e-mails": (
        "L'équipe de marque bloque les nouveaux e-mails de parrainage"
    ),
    "The brand team wants to review every referral e-mail, which would delay the relaunch by "
    "a month.": (
        "L'équipe de marque veut relire chaque e-mail de parrainage, ce qui retarderait la "
        "relance d'un mois."
    ),
    "Decide who approves referral e-mails.": "Décider qui valide les e-mails de parrainage.",
    "Send me the three e-mails: I will settle it with the brand team this week.": (
        "Envoyez-moi les trois e-mails : je règle la question avec l'équipe de marque cette "
        "semaine."
    ),
    "The brand team approves the templates once; Growth writes the e-mails.": (
        "L'équipe de marque valide les modèles une fois pour toutes ; l'équipe Croissance écrit "
        "les e-mails."
    ),
    "Sandbox accounts expire during long trials": (
        "Les comptes de test expirent pendant les longs essais"
    ),
    "Trial sandboxes now last 60 days.": "Les comptes de test durent désormais 60 jours.",
    "Trip updates from partners arrive a day late": (
        "Les mises à jour de voyage des partenaires arrivent avec un jour de retard"
    ),
    "The app shows changes to partner bookings a day late: it needs the partner API's change "
    "events.": (
        "L'application affiche les changements des réservations partenaires avec un jour de "
        "retard : il lui faut les événements de changement de l'API partenaires."
    ),
    "Change events are ready in staging; partners switch over next week.": (
        "Les événements de changement sont prêts en préproduction ; les partenaires basculent "
        "la semaine prochaine."
    ),
    "Changes to partner bookings reach the app within a minute.": (
        "Les changements des réservations partenaires arrivent dans l'application en moins "
        "d'une minute."
    ),
    "Chargeback disputes are handled by hand": (
        "Les contestations de paiement se traitent à la main"
    ),
    "Checkout answers every chargeback by e-mail: the platform has no dispute API.": (
        "L'équipe Paiement répond à chaque contestation par e-mail : la plateforme n'a pas "
        "d'API de litiges."
    ),
    "A dispute API, or a date for one.": "Une API de litiges, ou une date pour l'avoir.",
    "Disputes come after the ledger: next quarter, really.": (
        "Les litiges viennent après le registre : le trimestre prochain, en vérité."
    ),
    "It is first on the platform's list for next quarter.": (
        "C'est en tête de la liste de la plateforme pour le trimestre prochain."
    ),
    "The dispute API is live; chargebacks are answered automatically.": (
        "L'API de litiges est en production ; les contestations reçoivent une réponse automatique."
    ),
    "Analytics counts sign-ups twice": "Les statistiques comptent les inscriptions en double",
    "A filter in our own dashboard: the data was right.": (
        "Un filtre de notre propre tableau de bord : les données étaient justes."
    ),
    # The previous quarter: the platform answers within hours
    "Apple Pay certificate renewal needs the platform": (
        "Le renouvellement du certificat Apple Pay attend la plateforme"
    ),
    "Our Apple Pay merchant certificate expires in three weeks and only the platform can "
    "renew it.": (
        "Notre certificat marchand Apple Pay expire dans trois semaines, et seule la plateforme "
        "peut le renouveler."
    ),
    "On it: we renew it this week and automate the renewal.": (
        "C'est parti : nous le renouvelons cette semaine et automatisons le renouvellement."
    ),
    "Certificate renewed, and the renewal is automated.": (
        "Certificat renouvelé, et le renouvellement est automatisé."
    ),
    "Business invoices need VAT numbers from the ledger": (
        "Les factures entreprises ont besoin des numéros de TVA du registre"
    ),
    "Invoices to companies must show their VAT number, which the ledger does not keep.": (
        "Les factures aux entreprises doivent porter leur numéro de TVA, que le registre ne "
        "garde pas."
    ),
    "In Monday's triage; we can add the field this sprint.": (
        "Au tri de lundi ; nous pouvons ajouter le champ dans ce sprint."
    ),
    "The ledger keeps VAT numbers; invoices show them.": (
        "Le registre garde les numéros de TVA ; les factures les affichent."
    ),
    "Finance wants daily reconciliation reports": (
        "La direction financière veut un rapport de rapprochement quotidien"
    ),
    "Finance asks for a daily reconciliation report; making it by hand takes a person a day "
    "each week.": (
        "La direction financière demande un rapport de rapprochement quotidien ; le produire à "
        "la main coûte une journée par semaine à une personne."
    ),
    "Decide whether automating it comes before other teams' requests.": (
        "Décider si son automatisation passe avant les demandes des autres équipes."
    ),
    "Other teams first; Finance gets a weekly report until then.": (
        "Les autres équipes d'abord ; la direction financière reçoit un rapport hebdomadaire "
        "d'ici là."
    ),
    "A weekly report for Finance now; the daily one is automated next quarter.": (
        "Un rapport hebdomadaire pour la direction financière dès maintenant ; le quotidien "
        "sera automatisé le trimestre prochain."
    ),
    "Android offline trips need the platform's receipts": (
        "Les voyages hors ligne sur Android attendent les reçus de la plateforme"
    ),
    "Offline trips on Android need payment receipts stored on the phone; the platform's "
    "receipts are online only.": (
        "Les voyages hors ligne sur Android demandent des reçus de paiement stockés sur le "
        "téléphone ; ceux de la plateforme ne sont accessibles qu'en ligne."
    ),
    "Someone from the platform for a week.": "Quelqu'un de la plateforme pendant une semaine.",
    "We can export signed receipts: let's pair on it on Thursday.": (
        "Nous pouvons exporter des reçus signés : travaillons-y ensemble jeudi."
    ),
    "Paired with Elena: the format works offline.": (
        "Travaillé avec Elena : le format fonctionne hors ligne."
    ),
    "Signed receipts come with each trip; Android shows them offline.": (
        "Des reçus signés accompagnent chaque voyage ; Android les affiche hors ligne."
    ),
    "No one can run the new search cluster": (
        "Personne ne sait exploiter le nouveau cluster de recherche"
    ),
    "The new search cluster needs someone who has run one; our only expert left.": (
        "Le nouveau cluster de recherche demande quelqu'un qui en a déjà exploité un ; notre "
        "seul expert est parti."
    ),
    "An engineer from the infrastructure team for a month.": (
        "Un ingénieur de l'équipe infrastructure pendant un mois."
    ),
    "Infrastructure lends us an engineer for three weeks.": (
        "L'infrastructure nous prête un ingénieur pendant trois semaines."
    ),
    "Two of us run the cluster now; the runbook is in the wiki.": (
        "Deux d'entre nous exploitent le cluster ; la procédure est dans le wiki."
    ),
    "Our largest partner's bookings fail after the API release": (
        "Les réservations de notre plus gros partenaire échouent après la mise en production "
        "de l'API"
    ),
    "Since this morning's release, 40 % of TravelHub's bookings fail with a validation error.": (
        "Depuis la mise en production de ce matin, 40 % des réservations de TravelHub échouent "
        "sur une erreur de validation."
    ),
    "Someone to roll back with us now.": (
        "Quelqu'un pour revenir en arrière avec nous, tout de suite."
    ),
    "Roll back first, explain later: I am telling TravelHub's director.": (
        "D'abord revenir en arrière, expliquer ensuite : je préviens le directeur de TravelHub."
    ),
    "Rolled back within the hour; a contract test now guards the booking format.": (
        "Retour arrière en moins d'une heure ; un test de contrat protège désormais le format "
        "des réservations."
    ),
    "Referral payouts need a second currency": (
        "Les versements de parrainage ont besoin d'une deuxième devise"
    ),
    "Referral credits earned in pounds are paid in euros; British referrers complain.": (
        "Les crédits de parrainage gagnés en livres sont versés en euros ; les parrains "
        "britanniques se plaignent."
    ),
    "Triage tomorrow: the ledger can do it, we need to switch it on.": (
        "Tri demain : le registre sait le faire, il faut l'activer."
    ),
    "Credits are paid in the referrer's currency.": (
        "Les crédits sont versés dans la devise du parrain."
    ),
    "Sales promises partners custom rate limits": (
        "Les commerciaux promettent des quotas sur mesure aux partenaires"
    ),
    "Sales offered three partners rate limits above what the API can serve.": (
        "Les commerciaux ont offert à trois partenaires des quotas au-delà de ce que l'API peut "
        "servir."
    ),
    "Decide whether partners may have limits of their own.": (
        "Décider si des partenaires peuvent avoir leurs propres quotas."
    ),
    "I am asking Sales which deals depend on it.": (
        "Je demande aux commerciaux quels contrats en dépendent."
    ),
    "No limits of their own; partners with more traffic get a dedicated pool next quarter.": (
        "Pas de quotas sur mesure ; les partenaires au trafic élevé auront des serveurs dédiés "
        "le trimestre prochain."
    ),
    "Price filters need prices with fees from the platform": (
        "Les filtres de prix ont besoin des prix frais compris de la plateforme"
    ),
    "Filtering by price is wrong without the fees, which only the platform computes.": (
        "Filtrer par prix est faux sans les frais, que seule la plateforme calcule."
    ),
    "The fee service can answer in bulk; specs by tomorrow.": (
        "Le service des frais peut répondre en masse ; les spécifications arrivent demain."
    ),
    "Search reads prices with fees from the fee service.": (
        "La recherche lit les prix frais compris auprès du service des frais."
    ),
    "Legal wants consent before saving cards": (
        "Le juridique veut un consentement avant d'enregistrer les cartes"
    ),
    "Legal asks for an explicit consent step before we save a card: one more screen in checkout.": (
        "Le juridique demande une étape de consentement explicite avant d'enregistrer une "
        "carte : un écran de plus au paiement."
    ),
    "Agree with Legal on a consent that fits in the payment screen.": (
        "S'accorder avec le juridique sur un consentement qui tienne dans l'écran de paiement."
    ),
    "Meeting Legal on Wednesday with a mock-up of the consent.": (
        "Rendez-vous avec le juridique mercredi, avec une maquette du consentement."
    ),
    "Legal accepted a consent box in the payment screen: no extra step.": (
        "Le juridique a accepté une case de consentement dans l'écran de paiement : pas "
        "d'étape en plus."
    ),
    "No one knows the new e-mail tool": "Personne ne maîtrise le nouvel outil d'e-mailing",
    "Training is booked for next month.": "La formation est prévue le mois prochain.",
    "Campaigns stay on the old tool until the training; we accept the slower pace.": (
        "Les campagnes restent sur l'ancien outil jusqu'à la formation ; nous acceptons d'aller "
        "moins vite."
    ),
    "A key customer's admins cannot invite travellers": (
        "Les administrateurs d'un client clé ne peuvent pas inviter de voyageurs"
    ),
    "Northwind's admins get an error when they invite more than 50 travellers at once.": (
        "Les administrateurs de Northwind obtiennent une erreur dès qu'ils invitent plus de 50 "
        "voyageurs à la fois."
    ),
    "Kenji, please drop the rest: I call Northwind at four.": (
        "Kenji, laisse tomber le reste s'il te plaît : j'appelle Northwind à seize heures."
    ),
    "Invitations go out in batches; Northwind invited its 400 travellers.": (
        "Les invitations partent par lots ; Northwind a invité ses 400 voyageurs."
    ),
    "The app store rejected our release": "L'App Store a refusé notre version",
    "The store's review team finds our location prompt unclear.": (
        "L'équipe de validation de la boutique trouve notre demande de localisation peu claire."
    ),
    "New wording for the location prompt; the release is live.": (
        "Nouvelle formulation de la demande de localisation ; la version est en ligne."
    ),
}


def seed_obstacles(org):
    """Create the demo obstacles with their timelines, those of the two quarters before this
    one (HISTORY) first; ones already there are left alone."""
    now = org.now
    created = []
    for when, slug, title, description, by, (day, hour), fields, events in HISTORY:
        quarter = {"earlier": org.earlier_quarter, "previous": org.previous_quarter}[when]
        opened = _working_day(quarter, day, hour)
        # Hours of elapsed time, whatever the clocks did meanwhile (summer time).
        timeline = [(opened.astimezone(UTC) + timedelta(hours=h), *event) for h, *event in events]
        decided_from = timezone.localdate(opened)
        obstacle = _create(
            org, quarter, slug, title, description, by, opened, decided_from, fields, timeline
        )
        if obstacle:
            created.append(obstacle.pk)
    for slug, title, description, by, hours, fields, events in OBSTACLES:
        opened = now - timedelta(hours=hours)
        timeline = [(now - timedelta(hours=h), *event) for h, *event in events]
        quarter = org.current_quarter
        obstacle = _create(
            org, quarter, slug, title, description, by, opened, org.today, fields, timeline
        )
        if obstacle:
            created.append(obstacle.pk)
    Obstacle.objects.filter(pk__in=created).refresh_search_vector()
    return len(created)


def _working_day(quarter, day, hour):
    """`hour` o'clock on the `day`th day of `quarter` (its share of a 13-week quarter, for a
    quarter of another length), or on the Monday after when that is a weekend."""
    length = (quarter.end - quarter.start).days + 1
    date = quarter.start + timedelta(days=min(length - 1, round(day * length / QUARTER_DAYS)))
    if date.weekday() >= 5:
        date += timedelta(days=7 - date.weekday())
    return timezone.make_aware(datetime.combine(date, time(hour)))


def _create(org, quarter, slug, title, description, by, opened, decided_from, fields, timeline):
    """One obstacle of `slug`'s team logged at `opened`, threatening its first objective of
    `quarter` not achieved, with its `timeline` [(moment, actor, event, value)] as the app
    records it (Obstacle.log, then each change); a decision is due `decide_by_days` after
    `decided_from`. None if the team has it already. Nothing happens after now: a timeline
    is cut there."""
    now = org.now
    team = org.teams[slug]
    title = in_language(title, org.language, FRENCH)
    if team.obstacles.filter(title=title).exists():
        return None
    fields = dict(fields)
    fields["help_detail"] = in_language(fields.get("help_detail", ""), org.language, FRENCH)
    blocking = fields.pop("blocking", None)
    decide_by_days = fields.pop("decide_by_days", None)
    obstacle = Obstacle(
        team=team,
        title=title,
        description=in_language(description, org.language, FRENCH),
        created_by=org.users[by],
        blocking_team=org.teams[blocking] if blocking else None,
        decide_by=decided_from + timedelta(days=decide_by_days)
        if decide_by_days is not None
        else None,
        opened_at=opened,
        last_activity_at=opened,
        **fields,
    )
    obstacle.clean()
    obstacle.save()
    objectives = Objective.objects.filter(team=team, quarter=quarter)
    objective = objectives.exclude(status=Objective.Status.ACHIEVED).first()
    if objective:
        obstacle.threatened_objectives.add(objective)
    events = [ObstacleEvent(kind=ObstacleEvent.Kind.CREATED, actor=obstacle.created_by)]
    events[0].created_at = opened
    if obstacle.is_urgent:
        events.append(
            ObstacleEvent(
                kind=ObstacleEvent.Kind.ESCALATED, actor=obstacle.created_by, created_at=opened
            )
        )
    for at, actor, kind, value in sorted(timeline, key=lambda event: event[0]):
        if at <= now:
            events.append(_event(obstacle, at, org, actor, kind, value))
    for version, event in enumerate(events, start=1):
        event.obstacle, event.version = obstacle, version
    ObstacleEvent.objects.bulk_create(events)
    obstacle.version = len(events)
    obstacle.last_activity_at = events[-1].created_at
    obstacle.save()
    return obstacle


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
    elif kind == ESCALATE:
        obstacle.is_urgent = True
    elif kind == OWNER:
        owner = org.users[value]
        event.from_value, event.to_value = display_name(obstacle.owner), display_name(owner)
        obstacle.owner = owner
    else:
        event.text = in_language(value, org.language, FRENCH)
    return event
