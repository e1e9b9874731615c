"""A real HTTP server on a loopback port, standing in for Slack, Microsoft Teams or the
organization's own automation: it records every request and answers as told."""

import json
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class Receiver:
    """`requests` it received; `answers`, a list of (status, body) it gives in turn (the last
    one again and again); `check(request)` may return an answer instead (a verifier), and is
    told by `check.handled(request)` of the requests answered with success."""

    url: str = ""
    requests: list = field(default_factory=list)
    answers: list = field(default_factory=lambda: [(200, "ok")])
    check: object = None

    def answer_for(self, request):
        if self.check is not None:
            answer = self.check(request)
            if answer is not None:
                return answer
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if answer[0] < 300 and hasattr(self.check, "handled"):
            self.check.handled(request)
        return answer


@contextmanager
def loopback_receiver(path="/hook"):
    receiver = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            request = Received(self.path, dict(self.headers.items()), self.rfile.read(length))
            receiver.requests.append(request)
            status, body = receiver.answer_for(request)
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}{path}"
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
