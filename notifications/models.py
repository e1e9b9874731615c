from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from coaching.models import Learning
from headway.models import Email


class LearningNotice(models.Model):
    """A learning a person was told about in their learnings digest: each is told once, even
    when it reaches several of their teams, or reaches one later than it was written."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="learning_notices",
    )
    learning = models.ForeignKey(
        Learning, verbose_name=_("learning"), on_delete=models.CASCADE, related_name="notices"
    )
    email = models.ForeignKey(
        Email, verbose_name=_("e-mail"), on_delete=models.CASCADE, related_name="learnings_told"
    )

    class Meta:
        verbose_name = _("learning told")
        verbose_name_plural = _("learnings told")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "learning"], name="learning_told_once"),
        ]

    def __str__(self):
        return f"{self.learning} → {self.recipient}"
