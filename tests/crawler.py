"""Every page and form a person reaches, found the way they find them: by following the links
and htmx requests of each page from their home, with Django's test client.

Tests that must hold on every page (no server error whatever is typed, valid HTML) use this
rather than a list of URLs, so that a page added tomorrow is covered as soon as a link leads
to it.
"""

import copy
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from django.db import transaction
from django.urls import Resolver404, resolve

# Outside what the crawl covers: Django's own administration, static files, and signing out
# (which would end the crawl).
SKIPPED_PREFIXES = ("/admin/", "/static/", "/accounts/logout/")
# At most this many addresses of one kind (one view, the same query parameters, htmx or
# not): the tenth obstacle page shows nothing the first two did not.
PER_KIND = 2


@dataclass
class Form:
    """A form as a page shows it: where it goes, and what it sends when submitted as is."""

    page: str
    method: str
    action: str
    fields: list = field(default_factory=list)  # (name, value) pairs sent as it is
    choices: set = field(default_factory=set)  # names of boxes left unticked
    types: dict = field(default_factory=dict)  # name: the input's type (date, hidden...)
    buttons: list = field(default_factory=list)  # (name, value) of named submit buttons
    htmx: dict = field(default_factory=dict)  # the headers htmx sends when it submits it
    has_button: bool = False  # a submit button, named or not

    @property
    def can_be_sent(self):
        """Whether a person can send it: with a button, through htmx, or by Enter in a field
        of a GET form. (Django's read-only admin pages keep a form with nothing to send it.)"""
        return self.has_button or bool(self.htmx) or self.method == "get"

    @property
    def names(self):
        """Every field name it may send."""
        return list(dict.fromkeys([*(name for name, _ in self.fields), *sorted(self.choices)]))

    def data(self, name=None, value=None):
        """What it sends, with field `name` set to `value` (None: left out)."""
        sent = [(n, v) for n, v in self.fields if n != name]
        if name is not None and value is not None:
            sent.append((name, value))
        return sent

    @property
    def kind(self):
        """What makes two forms the same: where they go, how, and with which fields."""
        return (self.method, view_of(self.action), tuple(sorted(self.names)), bool(self.htmx))


@dataclass
class Page:
    url: str
    status: int
    content_type: str
    htmx: bool = False
    html: str = ""
    forms: list = field(default_factory=list)


class PageParser(HTMLParser):
    """The links, htmx requests and forms of one HTML page."""

    def __init__(self, url):
        super().__init__(convert_charrefs=True)
        self.url = url
        self.links, self.htmx_links, self.forms = [], [], []
        self.form = self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        # htmx reads hx-get and data-hx-get alike: one name for both here.
        attrs = {f"data-{name}" if name.startswith("hx-") else name: value for name, value in attrs}
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "form":
            self.form = self.new_form(attrs)
        elif "data-hx-get" in attrs:
            self.htmx_links.append(attrs["data-hx-get"])
        if tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            self.select["first"] = value if self.select["first"] is None else self.select["first"]
            if "selected" in attrs:
                self.select["selected"] = value
        elif self.form is not None:
            self.form_element(tag, attrs)

    def new_form(self, attrs):
        hx_post, hx_get = attrs.get("data-hx-post"), attrs.get("data-hx-get")
        method = "post" if hx_post else "get" if hx_get else attrs.get("method", "get").lower()
        action = urljoin(self.url, hx_post or hx_get or attrs.get("action") or self.url)
        htmx = {}
        if hx_post or hx_get:
            htmx["HX-Request"] = "true"
            if attrs.get("data-hx-target", "").startswith("#"):
                htmx["HX-Target"] = attrs["data-hx-target"][1:]
        return Form(self.url, method, action, htmx=htmx)

    def form_element(self, tag, attrs):
        name = attrs.get("name")
        kind = attrs.get("type", "text" if tag == "input" else "submit")
        if tag in ("input", "button") and kind in ("submit", "image"):
            self.form.has_button = True
        if not name:
            return
        self.form.types.setdefault(name, kind if tag == "input" else tag)
        if tag == "input" and kind in ("checkbox", "radio"):
            if "checked" in attrs:
                self.form.fields.append((name, attrs.get("value", "on")))
            else:
                self.form.choices.add(name)
        elif tag in ("input", "button") and kind in ("submit", "image"):
            self.form.buttons.append((name, attrs.get("value", "")))
        elif tag == "input" and kind not in ("file", "reset", "button"):
            self.form.fields.append((name, attrs.get("value", "")))
        elif tag == "select":
            self.select = {"name": name, "first": None, "selected": None}
        elif tag == "textarea":
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if self.form is None:
            return
        if tag == "form":
            self.forms.append(self.form)
            self.form = None
        elif tag == "textarea" and self.textarea is not None:
            self.form.fields.append(tuple(self.textarea))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            chosen = self.select["selected"] or self.select["first"]
            if chosen is not None:
                self.form.fields.append((self.select["name"], chosen))
            self.select = None


def view_of(url):
    """The name of the view serving `url`, or None outside Headway's URLs."""
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return None


def kind_of(url, htmx=False):
    """What makes two addresses the same kind of page: the view, the query parameters' names,
    and whether htmx asks for it."""
    names = tuple(sorted({name for name, _ in parse_qsl(urlsplit(url).query)}))
    return view_of(url), names, htmx


def with_parameter(url, name, value):
    """`url` with its query parameter `name` set to `value`."""
    parts = urlsplit(url)
    query = [(n, v) for n, v in parse_qsl(parts.query, keep_blank_values=True) if n != name]
    return parts._replace(query=urlencode([*query, (name, value)])).geturl()


def local(page_url, link):
    """`link` as a path on this site, or None when it leads elsewhere or outside the crawl."""
    parts = urlsplit(urljoin(page_url, link))
    if parts.netloc not in ("", "testserver") or not parts.path.startswith("/"):
        return None
    if parts.path.startswith(SKIPPED_PREFIXES) or view_of(parts.path) is None:
        return None
    return parts._replace(scheme="", netloc="", fragment="").geturl()


def crawl(client, start="/"):
    """Every page `client` reaches from `start` by GET requests (reading changes nothing),
    each kind of page at most PER_KIND times."""
    seen, per_kind, pages = set(), {}, []
    queue = deque([(start, False)])
    while queue:
        url, htmx = queue.popleft()
        kind = kind_of(url, htmx)
        if (url, htmx) in seen or per_kind.get(kind, 0) >= PER_KIND:
            continue
        seen.add((url, htmx))
        per_kind[kind] = per_kind.get(kind, 0) + 1
        response = client.get(url, headers={"HX-Request": "true"} if htmx else {})
        page = Page(url, response.status_code, response.get("Content-Type", ""), htmx)
        pages.append(page)
        if response.status_code in (301, 302) and (target := local(url, response["Location"])):
            queue.append((target, htmx))
        if response.status_code != 200 or "text/html" not in page.content_type:
            continue
        page.html = response.content.decode()
        parser = PageParser(url)
        parser.feed(page.html)
        page.forms = parser.forms
        for links, by_htmx in ((parser.links, False), (parser.htmx_links, True)):
            queue.extend((path, by_htmx) for link in links if (path := local(url, link)))
    return pages


def submit(client, form, data, charset="utf-8"):
    """Submit `form` with `data` and undo it: every submission starts from the same
    organization and session."""
    cookies = copy.deepcopy(client.cookies)
    body = urlencode(data).encode(charset)
    content_type = f"application/x-www-form-urlencoded; charset={charset}"
    with transaction.atomic():
        response = client.generic("POST", form.action, body, content_type, headers=form.htmx)
        if response.streaming:
            b"".join(response.streaming_content)
        transaction.set_rollback(True)
    client.cookies = cookies
    return response
