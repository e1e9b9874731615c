from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ChatChannel, ChatEvent, Webhook, WebhookEvent
from .outgoing import check_address


class ChatChannelForm(forms.ModelForm):
    """Connect a team's channel: its platform, its name, its incoming webhook's address (kept
    encrypted, never shown again) and what it is told."""

    webhook_url = forms.URLField(
        label=_("Incoming webhook address"),
        max_length=500,
        assume_scheme="https",
        help_text=_(
            "In Slack: an app’s Incoming Webhooks. In Microsoft Teams: the channel’s "
            "Workflows, “Post to a channel when a webhook request is received”."
        ),
    )
    events = forms.MultipleChoiceField(
        label=_("Tell the channel when"),
        choices=ChatEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = ChatChannel
        fields = ["platform", "name", "events"]
        widgets = {"platform": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Changing what it is told leaves the secret address alone.
            del self.fields["webhook_url"]
            del self.fields["platform"]
        else:
            self.fields["platform"].choices = ChatChannel.Platform.choices

    def clean_webhook_url(self):
        return check_address(self.cleaned_data["webhook_url"])

    def save(self, commit=True):
        if "webhook_url" in self.cleaned_data:
            self.instance.set_webhook_url(self.cleaned_data["webhook_url"])
        return super().save(commit)


class WebhookForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )

    class Meta:
        model = Webhook
        fields = ["url", "description", "events"]

    def clean_url(self):
        return check_address(self.cleaned_data["url"])
