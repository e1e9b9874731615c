"""The README's example script, run as a person would run it: against a live Headway, with a
metric read from a loopback HTTP server."""

import json
import os
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from api.models import AccessToken
from objectives.models import CheckIn
from tests.factories import KeyResultFactory, ObjectiveFactory

README = Path(__file__).resolve().parents[2] / "README.md"


def example_script():
    text = README.read_text()
    match = re.search(
        r"<!-- example: check_in_from_metric\.py -->\n```python\n(.*?)```\n<!-- end of example -->",
        text,
        re.S,
    )
    assert match, "the README's example is not where this test looks for it"
    return match.group(1)


class Metric(BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"value": 27.5}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def metrics_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Metric)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/metrics/signups"
    server.shutdown()
    server.server_close()


def run(script, tmp_path, **environment):
    path = tmp_path / "check_in_from_metric.py"
    path.write_text(script)
    return subprocess.run(
        [sys.executable, str(path)],
        env={"PATH": os.environ["PATH"], **environment},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.django_db(transaction=True)
def test_the_readme_example_records_a_check_in(
    live_server, metrics_server, tmp_path, pm, team, current_quarter
):
    key_result = KeyResultFactory(objective=ObjectiveFactory(team=team, quarter=current_quarter))
    _token, raw = AccessToken.issue(pm, "Metrics sync", AccessToken.Scope.WRITE)
    environment = {
        "HEADWAY_URL": live_server.url,
        "HEADWAY_TOKEN": raw,
        "KEY_RESULT": str(key_result.pk),
        "METRIC_URL": metrics_server,
    }
    result = run(example_script(), tmp_path, **environment)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Checked in 27.5 on key result {key_result.pk}."
    check_in = CheckIn.objects.get()
    assert (float(check_in.value), check_in.author, check_in.comment) == (
        27.5,
        pm,
        "From the metrics store.",
    )

    AccessToken.objects.get().revoke()
    refused = run(example_script(), tmp_path, **environment)
    assert refused.returncode == 1
    assert "Headway refused the check-in (401)" in refused.stderr
    assert "revoked" in refused.stderr
    assert CheckIn.objects.count() == 1
