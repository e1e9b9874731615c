"""`make cluster`: several app servers behind nginx, one PostgreSQL, no state in a process.

The cluster is started by bin/cluster, as `make cluster` does, on ports of its own and against
the test database.
"""

import json
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import Group
from django.db import connection

from headway.models import Email
from obstacles.models import Obstacle
from tests.factories import PASSWORD, UserFactory
from tests.mail import loopback_smtp_server
from tests.programs import system_program

from .conftest import ROOT, Browser, database_url, free_ports, production_env

pytestmark = pytest.mark.django_db(transaction=True)
REPLICAS = 3
# What bin/cluster runs besides Headway's own servers.
CLUSTER_PROGRAMS = ("nginx", "curl", "envsubst")


@pytest.fixture(scope="module")
def mailbox():
    """The SMTP server the cluster's job queue workers send through."""
    with loopback_smtp_server() as server:
        yield server


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker, tmp_path_factory, mailbox):
    for program in CLUSTER_PROGRAMS:
        system_program(program)
    tmp_path = tmp_path_factory.mktemp("cluster")
    proxy_port, *replica_ports = free_ports(REPLICAS + 1)
    with django_db_blocker.unblock():
        url = database_url(connection.settings_dict)
    env = production_env(
        DATABASE_URL=url,
        REPLICAS=REPLICAS,
        CLUSTER_PORT=proxy_port,
        CLUSTER_DIR=tmp_path / "cluster",
        STATIC_ROOT=tmp_path / "static",
        WORKERS=1,
        QUEUE_WORKERS=2,
        EMAIL_HOST=mailbox.hostname,
        EMAIL_PORT=mailbox.port,
        EMAIL_USE_TLS=0,
    )
    command = [str(ROOT / "bin" / "prodenv"), str(ROOT / "bin" / "cluster")]
    started = subprocess.run([*command, "start"], cwd=ROOT, env=env, capture_output=True, text=True)
    try:
        assert started.returncode == 0, started.stderr
        yield {
            "proxy": f"http://127.0.0.1:{proxy_port}",
            "replicas": [f"http://127.0.0.1:{port}" for port in replica_ports],
        }
    finally:
        subprocess.run([*command, "stop"], cwd=ROOT, env=env, check=True)


@pytest.fixture
def admin_signing_in(db):
    # The app servers check passwords with the production hasher, not the tests' fast one.
    user = UserFactory(username="ops-admin", is_staff=True, is_superuser=True)
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save(update_fields=["password"])
    return user


def test_every_replica_answers_through_the_proxy(cluster):
    browser = Browser(cluster["proxy"])
    served_by = {browser.get("/healthz").served_by for _ in range(4 * REPLICAS)}
    assert served_by == {f"app{n}" for n in range(1, REPLICAS + 1)}


def test_a_signed_in_user_moves_across_replicas_seamlessly(cluster, admin_signing_in):
    app1, app2, app3 = cluster["replicas"]
    browser = Browser(cluster["proxy"])

    browser.sign_in("ops-admin", PASSWORD)
    # The form from one server is posted to another, and the result read from a third: the
    # CSRF token, the session and the flash message live in no process.
    form, saved = browser.submit(
        "/admin/auth/group/add/", {"name": "Platform guild"}, base_url=app1, post_to=app2
    )
    after = browser.get(saved.location, base_url=app3)

    assert (form.served_by, saved.served_by, after.served_by) == ("app1", "app2", "app3")
    assert saved.status == 302
    assert "was added successfully" in after.text
    assert Group.objects.filter(name="Platform guild").exists()
    pages = [browser.get("/admin/auth/group/") for _ in range(4 * REPLICAS)]
    assert {page.served_by for page in pages} == {"app1", "app2", "app3"}
    assert all(page.status == 200 and "Platform guild" in page.text for page in pages)


def test_signing_out_on_one_replica_signs_out_on_all(cluster, admin_signing_in):
    replicas = cluster["replicas"]
    browser = Browser(cluster["proxy"])
    browser.sign_in("ops-admin", PASSWORD, base_url=replicas[0], post_to=replicas[1])
    assert all(browser.get("/", base_url=app).status == 200 for app in replicas)

    _, signed_out = browser.submit(
        "/", {}, base_url=replicas[1], post_to=replicas[2], action="/accounts/logout/"
    )

    assert signed_out.status == 302
    assert all(browser.get("/", base_url=app).status == 302 for app in replicas)


def test_the_proxy_compresses_pages_for_browsers_that_accept_it(cluster):
    browser = Browser(cluster["proxy"])
    gzip = {"Accept-Encoding": "gzip"}

    compressed = browser.get("/accounts/login/", headers=gzip)
    plain = browser.get("/accounts/login/")
    # The app servers leave compression to the proxy: a Python worker has better to do.
    direct = browser.get("/accounts/login/", base_url=cluster["replicas"][0], headers=gzip)

    assert compressed.status == plain.status == direct.status == 200
    assert compressed.headers.get("content-encoding") == "gzip"
    # A cache keeps the compressed and the plain page apart (nginx adds its own Vary line).
    request = urllib.request.Request(cluster["proxy"] + "/accounts/login/", headers=gzip)
    with urllib.request.urlopen(request, timeout=15) as response:
        assert "accept-encoding" in ", ".join(response.headers.get_all("Vary")).lower()
    assert "content-encoding" not in plain.headers
    assert "content-encoding" not in direct.headers


def queue_health(url):
    try:
        with urllib.request.urlopen(url + "/healthz/queue", timeout=10) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:  # 503 while no worker is seen
        return json.loads(error.read())


def wait_for(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError
        time.sleep(0.2)


def test_two_job_queue_workers_run_beside_the_app_servers(cluster):
    wait_for(lambda: queue_health(cluster["proxy"])["workers"] == 2)

    assert queue_health(cluster["proxy"])["healthy"]


def test_an_escalation_goes_out_once_through_the_clusters_workers(
    cluster, mailbox, team, pm, leader
):
    Obstacle.log(team=team, by=pm, title="Checkout is down", kind="customer", is_urgent=True)

    wait_for(lambda: Email.objects.filter(status=Email.Status.SENT).exists())

    assert [m["Subject"] for m in mailbox.to(leader.email)] == [
        "Urgent obstacle on Checkout: Checkout is down"
    ]
