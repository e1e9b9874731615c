"""Load for one benchmark page: `locust -f bench/locustfile.py --headless ...`.

bench/run.py starts locust once per page and size, with BENCH_PAGES (the JSON written by
bench/probe.py) and BENCH_PAGE (the page's name). Each simulated user takes a session of its
own, signed in beforehand by the probe (the load measures the page, not password hashing),
then requests the page again and again without pause: the fixed concurrency is the number
of users.
"""

import itertools
import json
import os
from pathlib import Path
from urllib.parse import urlencode

from locust import FastHttpUser, constant, task

PAGES = json.loads(Path(os.environ["BENCH_PAGES"]).read_text())
PAGE = next(page for page in PAGES if page["name"] == os.environ["BENCH_PAGE"])
COOKIES = PAGE["cookies"]
SESSIONS = itertools.cycle(PAGE.get("sessions") or [None])


class Visitor(FastHttpUser):
    wait_time = constant(0)

    def on_start(self):
        session = next(SESSIONS)
        cookies = {COOKIES["csrf"]: COOKIES["csrf_token"]}
        if session:
            cookies[COOKIES["session"]] = session
        self.headers = {
            **PAGE.get("headers", {}),
            "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()),
        }
        query = PAGE.get("query")
        self.path = f"{PAGE['path']}?{urlencode(query)}" if query else PAGE["path"]

    @task
    def request_page(self):
        if PAGE.get("method") == "POST":
            headers = {
                **self.headers,
                "X-CSRFToken": COOKIES["csrf_token"],
                "Referer": f"{self.host}{PAGE['path']}",
            }
            with self.client.post(
                self.path, data=PAGE["data"], headers=headers, name=PAGE["name"],
                catch_response=True,
            ) as response:  # fmt: skip
                # A refused form comes back as 200 with its errors: count it as a failure.
                if "errorlist" in (response.text or ""):
                    response.failure("the form was refused")
            return
        self.client.get(self.path, headers=self.headers, name=PAGE["name"])
