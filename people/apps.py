from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    """People arriving, moving and leaving: the administration of people, their import from
    a CSV file, and handing over what someone who leaves still owns. It sits on top of the
    other apps (it reads objectives, obstacles and 1:1s); none of them imports it."""

    name = "people"
    verbose_name = _("People")
