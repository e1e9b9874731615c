"""`pytest --today=DAY` (tests/conftest.py) runs every test with the clock travelled to DAY,
ticking from there; without it, tests read the real clock unless they set it themselves."""

import subprocess
import sys
from pathlib import Path

import time_machine
from django.utils import timezone

from tests.conftest import TRAVELLED_AT, travelled_to

ROOT = Path(__file__).resolve().parents[2]


def test_the_clock_is_where_the_run_put_it(request):
    if today := request.config.getoption("--today"):
        since = timezone.now() - travelled_to(today)
        real = time_machine.escape_hatch.time.time() - request.config.stash[TRAVELLED_AT]
        assert 0 <= since.total_seconds() <= real + 1
    else:
        assert not time_machine.escape_hatch.is_travelling()


def test_a_day_means_ten_in_the_morning_in_the_projects_time_zone():
    assert travelled_to("2028-02-29").isoformat() == "2028-02-29T10:00:00+01:00"
    assert travelled_to("2029-01-01T00:30").isoformat() == "2029-01-01T00:30:00+01:00"


def test_the_option_travels_the_whole_run():
    finished = subprocess.run(
        [sys.executable, "-m", "pytest", f"{__file__}::test_the_clock_is_where_the_run_put_it",
         "--today=2029-01-01T00:30", "-p", "no:cacheprovider"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip

    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "clock: travelled to 2029-01-01T00:30:00+01:00 (--today), ticking" in finished.stdout
    assert "1 passed" in finished.stdout
