"""A password reset takes as long for an address nobody has as for someone's: its time does
not tell who has an account, even when the mail server is slow to take the e-mail."""

import socketserver
import threading
import time
from contextlib import contextmanager

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# How long the mail server below takes to accept an e-mail, in seconds.
MAIL_SERVER_DELAY = 0.5


class SlowMailServer(socketserver.ThreadingTCPServer):
    """A mail server on a loopback port that speaks just enough SMTP, takes MAIL_SERVER_DELAY
    to accept each e-mail, and counts them."""

    daemon_threads = True
    accepted = 0

    class Session(socketserver.StreamRequestHandler):
        def handle(self):
            self.wfile.write(b"220 localhost ESMTP\r\n")
            in_data = False
            for line in self.rfile:
                if in_data:
                    if line == b".\r\n":
                        time.sleep(MAIL_SERVER_DELAY)
                        self.server.accepted += 1
                        self.wfile.write(b"250 accepted\r\n")
                        in_data = False
                    continue
                command = line[:4].upper()
                if command == b"DATA":
                    self.wfile.write(b"354 go ahead\r\n")
                    in_data = True
                elif command == b"QUIT":
                    self.wfile.write(b"221 bye\r\n")
                    return
                else:
                    self.wfile.write(b"250 ok\r\n")


@contextmanager
def slow_mail_server():
    server = SlowMailServer(("127.0.0.1", 0), SlowMailServer.Session)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def mail_server(settings):
    with slow_mail_server() as server:
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": server.server_address[1], "timeout": 5},
            }
        }
        yield server


def timed_reset(client, email):
    started = time.monotonic()
    response = client.post(reverse("password_reset"), {"email": email})
    return response, time.monotonic() - started


def test_a_known_and_an_unknown_address_take_the_same_time(client, settings, mail_server):
    settings.PASSWORD_RESET_ANSWER_MS = 1500
    UserFactory(username="sam", email="sam@acme.example")
    timed_reset(client, "first@acme.example")  # the first request of a process loads more

    known, known_time = timed_reset(client, "sam@acme.example")
    unknown, unknown_time = timed_reset(client, "nobody@acme.example")

    assert mail_server.accepted == 1
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    # Both answer when the answer time is up; the mail server's half second hides within it.
    assert 1.5 <= known_time < 2.0
    assert 1.5 <= unknown_time < 2.0
    assert abs(known_time - unknown_time) < 0.25
