import pytest

from integrations.tasks import watch
from tests.queue import run_workers


@pytest.fixture
def loopback_allowed(settings):
    """Chat channels and webhooks may post to the tests' receivers on loopback."""
    settings.INTEGRATIONS_ALLOW_PRIVATE_ADDRESSES = True
    settings.INTEGRATIONS_ALLOW_HTTP = True
    settings.SITE_URL = "https://headway.example"


@pytest.fixture
def deliver(loopback_allowed, quiet_clock):
    """`deliver()`: a pass of the watcher over what changed since the test began, then the
    queue's workers until they are done, as the every-minute job and the workers do. The
    clock starts at a moment without periodic notices (`quiet_clock`)."""
    watch()  # the first pass starts from the rows that exist: they are not news

    def deliver():
        watch()
        run_workers()

    return deliver
