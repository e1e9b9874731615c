from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# The main navigation, in order; an entry shows once its app provides the URL.
NAVIGATION = [
    ("home", _("Dashboard")),
    ("obstacles:log", _("Obstacles")),
    ("coaching:one_on_ones", _("1:1s")),
    ("objectives:teams", _("Teams")),
]


def navigation(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    items = []
    for name, label in NAVIGATION:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        current = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"url": url, "label": label, "current": current})
    return {"navigation": items}
