"""A real SMTP server for the tests (aiosmtpd on a loopback port), and reading what it got.

Messages are parsed back from the bytes that crossed the wire, so that a test sees what a
mail client would: headers decoded, the plain text and HTML parts, the links in them.
"""

import contextlib
import email
import email.policy
import html
import re
import threading

from aiosmtpd.controller import Controller

LINK = re.compile(r'href="([^"]+)"')


class Mailbox:
    """What an SMTP server received; it can be told to answer every message with an error
    (`refuse("451 4.3.0 Try again later")`) until `accept()`."""

    def __init__(self):
        self.messages = []
        self.refused = 0
        self._refusal = None
        self._lock = threading.Lock()

    def refuse(self, answer):
        self._refusal = answer

    def accept(self):
        self._refusal = None

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            if self._refusal:
                self.refused += 1
                return self._refusal
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            message.envelope_to = list(envelope.rcpt_tos)
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address):
        """The messages delivered to `address`."""
        return [m for m in self.messages if address in m.envelope_to]


class LoopbackController(Controller):
    """aiosmtpd's controller on a port the system picks (port 0), which it then reports."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@contextlib.contextmanager
def loopback_smtp_server():
    mailbox = Mailbox()
    controller = LoopbackController(mailbox, hostname="127.0.0.1", port=0)
    controller.start()
    mailbox.hostname, mailbox.port = controller.hostname, controller.port
    try:
        yield mailbox
    finally:
        controller.stop()


def text_of(message):
    """The plain text part, with the line ends a reader sees (SMTP sends CRLF)."""
    return message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


def html_of(message):
    return message.get_body(preferencelist=("html",)).get_content().replace("\r\n", "\n")


def links_in(message):
    """The links of the HTML part, in order."""
    return [html.unescape(link) for link in LINK.findall(html_of(message))]


def delivered(mailbox, kind):
    """The messages of one kind of e-mail (headway.models.EmailKind) the server received,
    told apart by their Message-ID."""
    from headway.emails import message_id
    from headway.models import Email

    ids = {message_id(email) for email in Email.objects.filter(kind=kind)}
    return [message for message in mailbox.messages if message["Message-ID"] in ids]
