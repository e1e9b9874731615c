"""The obstacles in a leader's "Needs you", drawn in Python: those asking for the leader, with
their one-click forms, and those of other teams waiting on the leader's teams.

The panel is on the dashboard and refreshed alone by htmx every minute; drawn by the template
engine, each obstacle cost two or three includes and some sixty nodes. Here an obstacle is a
few `format_html` calls, with the words any of them may say translated once for the panel and
the figures' own helpers (`ago`, `display_name`, `submission_key`, the CSRF token's tag) as
the one definition of each. Values from the database are escaped; the translations are
trusted as a template trusts `{% translate %}` and `{% blocktranslate %}`.
"""

from django.template.defaulttags import CsrfTokenNode
from django.utils.formats import localize
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext

from headway.links import url_of
from headway.people import display_name
from headway.rows import translated
from headway.templatetags.submissions import submission_key
from headway.templatetags.time_words import ago

# A one-click change posted to the obstacles app, based on the version the leader sees; the
# leader comes back to `next`, the dashboard as they left it.
ACTION = (
    '<form method="post" action="{url}">\n{csrf}{submission}\n'
    '<input type="hidden" name="{name}" value="{value}">\n'
    '<input type="hidden" name="version" value="{version}">\n'
    '<input type="hidden" name="next" value="{next}">\n'
    '<button type="submit" class="small" id="{button}-{pk}" '
    'aria-describedby="needs-you-{pk}">{label}</button>\n</form>'
)
ITEM = (
    '<li class="needs-you-item{urgent}">\n<div class="needs-you-what">\n'
    '<p class="needs-you-reasons">\n{reasons}\n</p>\n'
    '<{heading} class="needs-you-title" id="{anchor}"><a href="{url}">{title}</a></{heading}>\n'
    "{about}\n</div>\n"
    '<div class="actions needs-you-actions">\n{actions}\n</div>\n</li>'
)


class NeedsYouItems:
    """The `<li>` of each obstacle in a "Needs you" panel's two lists: `asking` (from
    `figures.asking`) and `waiting` (from `figures.waiting_on`), drawn
    for the template `context` they are shown in (its user, CSRF token and `dashboard_url`).
    """

    def __init__(self, context, asking, waiting):
        self.context, self.asking, self.waiting = context, asking, waiting
        self.user = context["user"]
        self.urgent = translated(gettext("Urgent"))
        self.due_today = translated(gettext("Decision due today"))
        self.no_owner = translated(gettext("no owner yet"))
        self.take = translated(gettext("Take ownership"))
        self.start = translated(gettext("Set in progress"))
        self.reply = translated(gettext("Reply"))

    @cached_property
    def csrf(self):
        """The CSRF token's field, as {% csrf_token %} writes it: read only if a form is."""
        return CsrfTokenNode().render(self.context)

    def asking_list(self):
        """Obstacles asking for the leader: why, and the forms to take them on."""
        return format_html_join("\n", "{}", ((self.asking_item(o),) for o in self.asking))

    def waiting_list(self):
        """Obstacles of other teams waiting on the leader's: on whom, and where to reply."""
        return format_html_join("\n", "{}", ((self.waiting_item(o),) for o in self.waiting))

    def asking_item(self, obstacle):
        reasons = [self.urgent_badge(obstacle)]
        if obstacle.help_wanted:
            asks = translated(
                gettext("Asks for: %(help)s"), help=obstacle.get_help_wanted_display()
            )
            reasons.append(format_html('<span class="badge">{}</span>', asks))
        if obstacle.decision_due:
            reasons.append(self.decision_badge(obstacle))
        actions = []
        if obstacle.owner_id != self.user.pk:
            owner = url_of("obstacles:owner", obstacle.pk)
            actions.append(self.action(obstacle, owner, "take", "1", self.take, "take"))
        if obstacle.status == "open":
            status = url_of("obstacles:status", obstacle.pk)
            actions.append(
                self.action(obstacle, status, "status", "in_progress", self.start, "start")
            )
        url = obstacle.get_absolute_url()
        return self.item(obstacle, url, reasons, "h3", f"needs-you-{obstacle.pk}", actions)

    def waiting_item(self, obstacle):
        waits_on = translated(gettext("Waits on %(team)s"), team=obstacle.blocking_team_name)
        reasons = [
            self.urgent_badge(obstacle),
            format_html('<span class="badge warn">{}</span>', waits_on),
        ]
        anchor, url = f"waiting-{obstacle.pk}", obstacle.get_absolute_url()
        reply = format_html(
            '<a class="button small" id="answer-{}" href="{}#timeline-heading" '
            'aria-describedby="{}">{}</a>',
            obstacle.pk,
            url,
            anchor,
            self.reply,
        )
        return self.item(obstacle, url, reasons, "h4", anchor, [reply], hide_blocking=True)

    def item(self, obstacle, url, reasons, heading, anchor, actions, hide_blocking=False):
        return format_html(
            ITEM,
            urgent=" is-urgent" if obstacle.is_urgent else "",
            reasons=format_html_join("\n", "{}", ((reason,) for reason in reasons)),
            heading=heading,
            anchor=anchor,
            url=url,
            title=obstacle.title,
            about=self.about(obstacle, hide_blocking),
            actions=format_html_join("\n", "{}", ((action,) for action in actions)),
        )

    def urgent_badge(self, obstacle):
        if not obstacle.is_urgent:
            return ""
        return format_html('<span class="badge bad">{}</span>', self.urgent)

    def decision_badge(self, obstacle):
        """How soon the stakeholder decision the obstacle waits for is due, or how late."""
        if obstacle.decision_days_left < 0:
            days = obstacle.decision_days_overdue
            said = ngettext(
                "Decision overdue by %(counter)s day", "Decision overdue by %(counter)s days", days
            )
            tone = "bad"
        elif obstacle.decision_days_left == 0:
            return format_html('<span class="badge warn">{}</span>', self.due_today)
        else:
            days = obstacle.decision_days_left
            said = ngettext(
                "Decision due in %(counter)s day", "Decision due in %(counter)s days", days
            )
            tone = "warn"
        return format_html(
            '<span class="badge {}">{}</span>', tone, translated(said, counter=localize(days))
        )

    def about(self, obstacle, hide_blocking):
        """What the obstacle is, whose, since when, and what help it asks for; without the
        team it waits on when the item says it already."""
        facts = [obstacle.team_name, obstacle.get_kind_display()]
        if obstacle.blocking_team_name and not hide_blocking:
            facts.append(translated(gettext("waits on %(team)s"), team=obstacle.blocking_team_name))
        opened = translated(gettext("opened %(when)s"), when=ago(obstacle.opened_at))
        if obstacle.owner:
            owner = translated(gettext("owner: %(owner)s"), owner=display_name(obstacle.owner))
        else:
            owner = self.no_owner
        meta = format_html(
            '<p class="needs-you-meta muted">\n{}\n· {}\n· {}\n</p>',
            format_html_join(" · ", "{}", ((fact,) for fact in facts)),
            opened,
            owner,
        )
        if not obstacle.help_detail:
            return meta
        return format_html('{}\n<p class="needs-you-detail">{}</p>', meta, obstacle.help_detail)

    def action(self, obstacle, url, name, value, label, button):
        return format_html(
            ACTION,
            url=url,
            csrf=self.csrf,
            submission=submission_key(),
            name=name,
            value=value,
            version=obstacle.version,
            next=self.context["dashboard_url"],
            button=button,
            pk=obstacle.pk,
            label=label,
        )
