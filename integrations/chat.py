"""What a team's chat channel is told, in each platform's own format, in the organization's
language (settings.LANGUAGE_CODE), with a link back to Headway.

A notice is written once, as a title, a few facts and a link; `slack()` makes it Block Kit,
`teams()` an Adaptive Card in the message envelope Teams' incoming webhooks and Workflows
take. Text people typed (a title, a team's name) is escaped for each platform's markup, so
that it shows as typed and cannot make links or mentions.
"""

import json
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from headway.emails import absolute_url
from objectives.templatetags.objectives_charts import percentage

from .models import ChatEvent


@dataclass
class Notice:
    event: str
    title: str
    facts: list = field(default_factory=list)  # (label, value) pairs
    link: str = ""
    link_text: str = ""

    @property
    def text(self):
        """One plain line: what notifications and screen readers show."""
        return self.title


def slack_escape(text):
    """Slack's mrkdwn: &, < and > are its only special characters."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<])")


def teams_escape(text):
    """Adaptive Cards' markdown: every character that could format or link is escaped."""
    return MARKDOWN.sub(r"\\\1", str(text))


def slack(notice):
    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*{slack_escape(notice.title)}*"}}
    ]
    if notice.facts:
        blocks.append(
            {
                "type": "section",
                "fields": [
                    {"type": "mrkdwn", "text": f"*{slack_escape(label)}*\n{slack_escape(value)}"}
                    for label, value in notice.facts
                ],
            }
        )
    if notice.link:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": notice.link_text},
                        "url": notice.link,
                    }
                ],
            }
        )
    return {"text": slack_escape(notice.text), "blocks": blocks}


def teams(notice):
    body = [
        {
            "type": "TextBlock",
            "text": teams_escape(notice.title),
            "weight": "Bolder",
            "size": "Medium",
            "wrap": True,
        }
    ]
    if notice.facts:
        body.append(
            {
                "type": "FactSet",
                "facts": [
                    {"title": teams_escape(label), "value": teams_escape(value)}
                    for label, value in notice.facts
                ],
            }
        )
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    if notice.link:
        card["actions"] = [
            {"type": "Action.OpenUrl", "title": notice.link_text, "url": notice.link}
        ]
    return {
        "type": "message",
        "summary": notice.text,
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


FORMATS = {"slack": slack, "teams": teams}


def payload(channel, notice):
    return FORMATS[channel.platform](notice)


def as_body(payload):
    return json.dumps(payload, ensure_ascii=False).encode()


def in_organization_language(write):
    """Call `write()` in the organization's language: a channel is read by the whole team."""
    with translation.override(settings.LANGUAGE_CODE):
        return write()


# --- The notices, one per event --------------------------------------------------------


def obstacle_facts(obstacle):
    facts = [(_("Team"), obstacle.team.name), (_("Kind"), obstacle.get_kind_display())]
    if obstacle.blocking_team_id:
        facts.append((_("Waiting on"), obstacle.blocking_team.name))
    if obstacle.help_wanted:
        help_text = obstacle.get_help_wanted_display()
        if obstacle.help_detail:
            help_text = f"{help_text}: {obstacle.help_detail}"
        facts.append((_("Help wanted"), help_text))
    return facts


def urgent(obstacle, by):
    return Notice(
        ChatEvent.URGENT,
        _("Urgent obstacle on %(team)s: %(title)s")
        % {"team": obstacle.team.name, "title": obstacle.title},
        [*obstacle_facts(obstacle), (_("Marked urgent by"), person(by))],
        obstacle.full_url(),
        _("Open the obstacle"),
    )


def resolved(obstacle, by):
    return Notice(
        ChatEvent.RESOLVED,
        _("Obstacle resolved on %(team)s: %(title)s")
        % {"team": obstacle.team.name, "title": obstacle.title},
        [(_("Resolution"), obstacle.resolution), (_("Resolved by"), person(by))],
        obstacle.full_url(),
        _("Open the obstacle"),
    )


def decision_due(obstacle):
    return Notice(
        ChatEvent.DECISION_DUE,
        _("A decision is due tomorrow on %(team)s: %(title)s")
        % {"team": obstacle.team.name, "title": obstacle.title},
        obstacle_facts(obstacle),
        obstacle.full_url(),
        _("Open the obstacle"),
    )


def learning_shared(learning, team):
    return Notice(
        ChatEvent.LEARNING,
        _("A learning for %(team)s: %(title)s") % {"team": team.name, "title": learning.title},
        [(_("Learned by"), learning.source_team.name), (_("Shared by"), person(learning.author))],
        absolute_url(learning_link(team)),
        _("Read it in Headway"),
    )


def behind_pace(team, quarter, pace, progress, expected):
    return Notice(
        ChatEvent.BEHIND_PACE,
        _("%(team)s has fallen behind pace in %(quarter)s")
        % {"team": team.name, "quarter": quarter.label},
        [
            (_("Pace"), pace.label),
            (_("Progress"), percentage(progress)),
            (_("Expected by now"), percentage(expected)),
        ],
        absolute_url(f"{team.get_absolute_url()}?quarter={quarter.label}"),
        _("Open the team page"),
    )


def test_message(channel, by):
    return Notice(
        "test",
        _("Headway is connected to %(channel)s") % {"channel": channel.name},
        [(_("Team"), channel.team.name), (_("Tested by"), person(by))],
        absolute_url(channel.team.get_absolute_url()),
        _("Open the team page"),
    )


def learning_link(team):
    return f"{reverse('coaching:learnings')}?team={team.slug}"


def person(user):
    return (user.get_full_name() or user.username) if user else ""
