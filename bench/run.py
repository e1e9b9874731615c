"""`make bench`: Headway under load at two sizes of organization, measured.

For each size (20 and 200 teams by default) it

1. sets up a database of its own on the PostgreSQL server of DATABASE_URL
   (headway_bench_<teams>): migrated, loaded once by `manage.py seed_scale`, then analyzed.
   A later run reuses it (migrating it, so new indexes apply) unless --fresh is given;
2. counts each page's SQL queries and bytes inside Django, and times each page alone,
   in-process (median wall-clock and CPU time, against a signed-in floor view: bench/probe.py);
3. serves Headway with gunicorn under production settings (bin/prodenv: DEBUG off, the
   workers of deploy/gunicorn.conf.py) and drives each page in turn with locust, headless,
   at a fixed number of concurrent signed-in users, for a fixed time; then deletes the
   check-ins the load saved, so that the next run starts from the same data;

then writes bench/results.json and the table between the markers of bench/results.md, checks
the targets of the scale issue, and prints the table.
"""

import argparse
import csv
import hashlib
import json
import os
import platform
import re
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# Every command runs with the production settings of this machine (DEBUG off).
PRODENV = str(ROOT / "bin" / "prodenv")
WORK = ROOT / "var" / "bench"
RESULTS_JSON = ROOT / "bench" / "results.json"
RESULTS_MD = ROOT / "bench" / "results.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
# The targets of the scale issue.
MAX_QUERIES = 15
MAX_LATENCY_GROWTH = 1.3
MIN_LOG_OVER_ADMIN = 2.0
MAX_FRAGMENT_SHARE = 0.25
# The targets of the fast-pages issue: in-process median at the largest size, in ms.
INPROCESS_TARGETS = {
    "dashboard (all teams)": 30,
    "team page": 25,
    "PM home": 25,
    "1:1 page": 25,
    "check-in save": 25,
    "obstacle log (filter)": 15,
    "obstacle log (search)": 15,
    "obstacle log (filter, htmx)": 15,
    "obstacle log (search, htmx)": 15,
    "learnings": 15,
    "teams": 25,
    "quarter review (organization)": 30,
    "quarter review (team)": 30,
    "quarter review (leader)": 30,
}
# Pages that must not grow with the organization, in-process (the margin is the noise of
# medians on a shared machine).
FLAT_PAGES = {"teams": 1.15}
# Under load, the dashboard's requests per second against the first run of the fast-pages
# issue (7.5 at 20 teams, 8.6 at 200: bench/results.md), and the factor to reach.
DASHBOARD_RPS_BEFORE = {20: 7.5, 200: 8.6}
DASHBOARD_RPS_FACTOR = 5
FLOOR = "signed-in floor"
GROWTH_PAGES = (
    "dashboard (all teams)",
    "obstacle log (filter)",
    "obstacle log (search)",
    "obstacle log (filter, htmx)",
    "obstacle log (search, htmx)",
)


def say(message):
    print(f"bench: {message}", flush=True)


def database_url(base, name):
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{name}"))


def run(command, env, **kwargs):
    subprocess.run(command, cwd=ROOT, env=env, check=True, **kwargs)


def prepared_database(base_url, teams, fresh):
    """The URL of a database holding the scale organization of `teams` teams, migrated.

    Its name carries a digest of the generator (dashboard/scale.py): when the generator
    changes, the next run loads a new database and drops the outdated one.
    """
    digest = hashlib.sha256((ROOT / "dashboard" / "scale.py").read_bytes()).hexdigest()[:8]
    name = f"headway_bench_{teams}_{digest}"
    url = database_url(base_url, name)
    with psycopg.connect(base_url, autocommit=True) as server:
        outdated = server.execute(
            "SELECT datname FROM pg_database WHERE datname ~ %s AND datname <> %s",
            [f"^headway_bench_{teams}(_[0-9a-f]+)?$", name],
        ).fetchall()
        for (old,) in outdated:
            say(f"dropping {old}, loaded by another version of the generator")
            server.execute(f'DROP DATABASE "{old}" WITH (FORCE)')
        exists = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            say(f"dropping {name}")
            server.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            server.execute(f'CREATE DATABASE "{name}"')
    env = production_env(url)
    run([PRODENV, sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], env)
    run([PRODENV, sys.executable, "manage.py", "createcachetable", "-v", "0"], env)
    with psycopg.connect(url, autocommit=True) as db:
        loaded = db.execute("SELECT count(*) FROM objectives_team").fetchone()[0]
    if loaded not in (0, teams):
        raise SystemExit(f"{name} holds {loaded} teams, not {teams}: run with --fresh.")
    if loaded == 0:
        say(f"loading {teams} teams into {name} (manage.py seed_scale)")
        run([PRODENV, sys.executable, "manage.py", "seed_scale", "--teams", str(teams)], env)
    with psycopg.connect(url, autocommit=True) as db:
        # Fresh statistics, as autovacuum would have after a bulk load.
        db.execute("VACUUM ANALYZE")
    return url


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(url, **extra):
    return {**os.environ, "DATABASE_URL": url, **extra}


def start_server(url, port, log):
    env = production_env(url, PORT=str(port))
    server = subprocess.Popen(
        [PRODENV, str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn stopped: see {log.name}") from None
            time.sleep(0.5)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer within a minute: see {log.name}")


def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def load(page, pages_file, port, users, seconds, prefix, log):
    """Locust's figures for one page: requests per second, median and 95th percentile."""
    env = {**os.environ, "BENCH_PAGES": str(pages_file), "BENCH_PAGE": page["name"]}
    # Locust exits 1 when a request failed: the failures are read from its figures instead.
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f", "bench/locustfile.py",
            "--headless",
            "--users", str(users),
            "--spawn-rate", str(users),
            "--run-time", f"{seconds}s",
            "--host", f"http://127.0.0.1:{port}",
            "--csv", str(prefix),
            "--reset-stats",
            "--only-summary",
            "--loglevel", "WARNING",
        ],
        cwd=ROOT, env=env, check=False, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    return figures(prefix, page["name"])


def figures(prefix, name):
    """Requests, failures, requests per second, median and 95th percentile (ms; None when no
    request completed within the run) of `name` in locust's CSV report at `prefix`."""
    with open(f"{prefix}_stats.csv", newline="") as stats:
        row = next((row for row in csv.DictReader(stats) if row["Name"] == name), None)
    if row is None or not int(row["Request Count"]):
        return {"requests": 0, "failures": 0, "rps": 0.0, "p50_ms": None, "p95_ms": None}
    return {
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "rps": float(row["Requests/s"]),
        "p50_ms": float(row["50%"]),
        "p95_ms": float(row["95%"]),
    }


def bench_size(base_url, teams, args):
    url = prepared_database(base_url, teams, args.fresh)
    pages_file = WORK / f"pages-{teams}.json"
    say(f"{teams} teams: counting queries and bytes")
    run(
        [
            PRODENV,
            sys.executable,
            "bench/probe.py",
            str(pages_file),
            str(args.users),
            str(args.timed_requests),
        ],
        production_env(url, ALLOWED_HOSTS="127.0.0.1,localhost,testserver"),
    )
    pages = json.loads(pages_file.read_text())
    port = free_port()
    with (
        open(WORK / f"gunicorn-{teams}.log", "w") as server_log,
        open(WORK / f"locust-{teams}.log", "w") as load_log,
    ):
        server = start_server(url, port, server_log)
        try:
            for page in pages:
                if page.get("load") is False:
                    continue
                say(f"{teams} teams: {page['name']}, {args.users} users for {args.seconds} s")
                prefix = WORK / f"{teams}-{slug(page['name'])}"
                figures = load(page, pages_file, port, args.users, args.seconds, prefix, load_log)
                page.update(figures)
        finally:
            server.terminate()
            server.wait(timeout=30)
    # The check-ins the load saved go, so that the next run starts from the same data.
    run([PRODENV, sys.executable, "bench/probe.py", "--clean"], production_env(url))
    return pages


def machine():
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        (
            int(line.split()[1]) // 1024 // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        None,
    )
    with psycopg.connect(os.environ["DATABASE_URL"]) as db:
        postgres = db.execute("SHOW server_version").fetchone()[0]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": version("django"),
        "postgresql": postgres,
        "gunicorn": version("gunicorn"),
        "locust": version("locust"),
    }


def targets(results):
    """Each target of the issue: its name, whether it is met, and the figures behind it."""
    by = {(row["name"], row["teams"]): row for row in results["rows"]}
    small, large = results["sizes"][0], results["sizes"][-1]
    names = list(dict.fromkeys(row["name"] for row in results["rows"]))
    loaded = [row for row in results["rows"] if row.get("load") is not False]
    checks = []
    for name in names:
        counts = sorted({by[(name, size)]["queries"] for size in results["sizes"]})
        checks.append(
            (
                f"{name}: the same SQL queries at every size, at most {MAX_QUERIES}",
                len(counts) == 1 and counts[0] <= MAX_QUERIES,
                " and ".join(str(count) for count in counts),
            )
        )
    for name in GROWTH_PAGES:
        medians = by[(name, small)]["p50_ms"], by[(name, large)]["p50_ms"]
        growth = medians[1] / max(medians[0], 1) if None not in medians else None
        checks.append(
            (
                f"{name}: median at {large} teams at most {MAX_LATENCY_GROWTH}× at {small}",
                growth is not None and growth <= MAX_LATENCY_GROWTH,
                "no request completed" if growth is None else f"{growth:.2f}×",
            )
        )
    for size in results["sizes"]:
        ratio = by[("obstacle log (filter)", size)]["rps"] / max(
            by[("admin obstacles (filter)", size)]["rps"], 0.01
        )
        checks.append(
            (
                f"obstacle log at least {MIN_LOG_OVER_ADMIN:g}× the admin's requests/s "
                f"({size} teams)",
                ratio >= MIN_LOG_OVER_ADMIN,
                f"{ratio:.1f}×",
            )
        )
    for row in results["rows"]:
        if "fragment_bytes" in row:
            share = row["fragment_bytes"] / row["bytes"]
            checks.append(
                (
                    f"{row['name']} ({row['teams']} teams): htmx fragment at most "
                    f"{MAX_FRAGMENT_SHARE:.0%} of the page",
                    share <= MAX_FRAGMENT_SHARE,
                    f"{share:.0%}",
                )
            )
    for name, limit in INPROCESS_TARGETS.items():
        if (name, large) in by:
            median = by[(name, large)]["inprocess_ms"]
            checks.append(
                (
                    f"{name}: in-process median at {large} teams at most {limit} ms",
                    median <= limit,
                    f"{median:.1f} ms",
                )
            )
    for name, limit in FLAT_PAGES.items():
        if (name, small) in by and (name, large) in by and small != large:
            growth = by[(name, large)]["inprocess_ms"] / by[(name, small)]["inprocess_ms"]
            checks.append(
                (
                    f"{name}: in-process median at {large} teams at most {limit}× at {small}",
                    growth <= limit,
                    f"{growth:.2f}×",
                )
            )
    for size in results["sizes"]:
        if size in DASHBOARD_RPS_BEFORE:
            rps = by[("dashboard (all teams)", size)]["rps"]
            goal = DASHBOARD_RPS_BEFORE[size] * DASHBOARD_RPS_FACTOR
            checks.append(
                (
                    f"dashboard (all teams) ({size} teams): at least {DASHBOARD_RPS_FACTOR}× "
                    f"the {DASHBOARD_RPS_BEFORE[size]} requests/s before, under load",
                    rps >= goal,
                    f"{rps:.1f} ({rps / DASHBOARD_RPS_BEFORE[size]:.1f}×)",
                )
            )
    failed = sum(row["failures"] for row in loaded)
    checks.append(("no failed request", failed == 0, str(failed)))
    silent = [f"{row['name']} ({row['teams']})" for row in loaded if not row["requests"]]
    checks.append(
        ("every page answered within the run", not silent, ", ".join(silent) or "all did")
    )
    return checks


def milliseconds(value):
    return "–" if value is None else f"{value:.0f}"


def kilobytes(count):
    return f"{count / 1024:.1f}"


def table(results):
    m = results["machine"]
    lines = [
        f"Run {results['date']} on {m['cores']} cores ({m['cpu']}), {m['memory_gb']} GB, "
        f"{m['os']}; Python {m['python']}, Django {m['django']}, PostgreSQL {m['postgresql']}, "
        f"gunicorn {m['gunicorn']} ({results['workers']} sync workers), locust {m['locust']}: "
        f"{results['users']} concurrent users for {results['seconds']} s per page, load "
        "generator on the same machine.",
        "",
        "| Page | Teams | Requests/s | Median ms | 95th pct ms | SQL queries | KB page "
        "| KB htmx | Failed |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in results["rows"]:
        if row.get("load") is False:
            continue
        fragment = kilobytes(row["fragment_bytes"]) if "fragment_bytes" in row else "–"
        lines.append(
            f"| {row['name']} | {row['teams']} | {row['rps']:.1f} | {milliseconds(row['p50_ms'])} "
            f"| {milliseconds(row['p95_ms'])} | {row['queries']} | {kilobytes(row['bytes'])} "
            f"| {fragment} | {row['failures']} |"
        )
    lines += ["", *inprocess_table(results)]
    lines += ["", "| Target | Met | Measured |", "| --- | --- | ---: |"]
    for name, met, figure in results["targets"]:
        lines.append(f"| {name} | {'yes' if met else '**no**'} | {figure} |")
    return "\n".join(lines)


def inprocess_table(results):
    """Each page alone, in-process: median wall-clock and CPU time, and both as multiples of
    the signed-in floor view's at the same size."""
    floors = {row["teams"]: row for row in results["rows"] if row["name"] == FLOOR}
    lines = [
        "In-process, each page alone: the median of "
        f"{results['rows'][0].get('timed_requests', '–')} requests in one Django process "
        "(wall-clock, and this process's CPU time: PostgreSQL's work shows in the first only), "
        "and each as a multiple of the signed-in floor view's; the machine's load average "
        "(1 min) when the page was timed.",
        "",
        "| Page | Teams | Median ms | CPU ms | × floor | CPU × floor | SQL queries | Load |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]

    def line(row, name, wall, cpu, queries):
        floor = floors.get(row["teams"])
        ratio = f"{wall / floor['inprocess_ms']:.1f}" if floor else "–"
        cpu_ratio = f"{cpu / floor['inprocess_cpu_ms']:.1f}" if floor else "–"
        return (
            f"| {name} | {row['teams']} | {wall:.1f} | {cpu:.1f} | {ratio} | {cpu_ratio} "
            f"| {queries} | {row.get('load_average', '–')} |"
        )

    for row in results["rows"]:
        if "inprocess_ms" not in row:
            continue
        lines.append(
            line(row, row["name"], row["inprocess_ms"], row["inprocess_cpu_ms"], row["queries"])
        )
        if "fragment_inprocess_ms" in row:
            lines.append(
                line(row, f"{row['name']}, htmx fragment", row["fragment_inprocess_ms"],
                     row["fragment_inprocess_cpu_ms"], row["fragment_queries"])
            )  # fmt: skip
    return lines


def write_report(results):
    RESULTS_JSON.write_text(json.dumps(results, indent=2) + "\n")
    report = RESULTS_MD.read_text() if RESULTS_MD.exists() else f"# Benchmark\n\n{BEGIN}\n{END}\n"
    before, rest = report.split(BEGIN, 1)
    after = rest.split(END, 1)[1]
    RESULTS_MD.write_text(f"{before}{BEGIN}\n{table(results)}\n{END}{after}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="20,200", help="team counts (20,200)")
    parser.add_argument("--users", type=int, default=8, help="concurrent users (8)")
    parser.add_argument("--seconds", type=int, default=20, help="load per page (20)")
    parser.add_argument(
        "--timed-requests", type=int, default=40, help="requests timed in-process per page (40)"
    )
    parser.add_argument("--fresh", action="store_true", help="reload the scale databases")
    parser.add_argument(
        "--no-report", action="store_true", help="print the table, leave bench/results.* as is"
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    WORK.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    run([PRODENV, sys.executable, "manage.py", "collectstatic",
         "--no-input", "-v", "0"], os.environ)  # fmt: skip
    rows = []
    for teams in sizes:
        for page in bench_size(os.environ["DATABASE_URL"], teams, args):
            rows.append({"teams": teams, **page})
    results = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "workers": int(os.environ.get("WORKERS") or (os.cpu_count() or 1) * 2 + 1),
        "users": args.users,
        "seconds": args.seconds,
        "sizes": sizes,
        "rows": rows,
        "duration_s": round(time.monotonic() - started),
    }
    results["targets"] = targets(results)
    if not args.no_report:
        write_report(results)
    print(table(results))
    print(f"\nbench: done in {results['duration_s']} s")


if __name__ == "__main__":
    main()
