from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AccessToken


class AccessTokenForm(forms.ModelForm):
    """Name a new token, choose what it may do and how long it lives."""

    LIFETIMES = {"30": 30, "90": 90, "365": 365}
    expires_in = forms.ChoiceField(
        label=_("Expires"),
        choices=[
            ("30", _("In 30 days")),
            ("90", _("In 90 days")),
            ("365", _("In a year")),
            ("never", _("Never")),
        ],
        initial="90",
    )

    class Meta:
        model = AccessToken
        fields = ["name", "scope"]
        widgets = {"scope": forms.RadioSelect}
        help_texts = {
            "scope": _("Read and write records check-ins and changes obstacles in your name."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if AccessToken.objects.of(self.user).filter(name=name, revoked_at__isnull=True).exists():
            raise forms.ValidationError(_("You already have a token of this name."))
        return name

    def issue(self):
        """Make the token: (AccessToken, the token in clear, to show once)."""
        days = self.LIFETIMES.get(self.cleaned_data["expires_in"])
        return AccessToken.issue(
            self.user,
            self.cleaned_data["name"],
            self.cleaned_data["scope"],
            timedelta(days=days) if days else None,
        )
