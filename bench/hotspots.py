"""Where one page of the benchmark spends its time: cProfile of a few requests, in-process.

Run it under production settings on a scale database, as bench/probe.py is run:

    DATABASE_URL=postgres://.../headway_bench_200_<digest> \\
        bin/prodenv .venv/bin/python bench/hotspots.py "team page" [REQUESTS] [TOP]

It requests the page (a name from bench/probe.py's list, or "<name>, htmx fragment" for the
fragment htmx asks for) as its user WARM_UP times, then
profiles REQUESTS more (5 by default) and prints the TOP functions (25) by their own time
and by cumulative time, per request. The profiler's overhead inflates every figure (by
about half): read it for where the time goes, and bench/probe.py for how much there is.
The check-ins a profiled check-in save writes are deleted after it.
"""

import cProfile
import pstats
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import probe
from django.test.utils import override_settings

ROOT = Path(__file__).resolve().parents[1]
REQUESTS = 5
# A page's htmx fragment is named after it, as in bench/results.md.
FRAGMENT = ", htmx fragment"
TOP = 25


def profile(name, requests=REQUESTS, top=TOP):
    with override_settings(ROOT_URLCONF="probe", ALLOWED_HOSTS=["testserver"]):
        pages = {}
        for page in probe.pages():
            pages[page["name"]] = (page, page.get("headers", {}))
            if "fragment" in page:
                pages[f"{page['name']}{FRAGMENT}"] = (page, page["fragment"])
        if name not in pages:
            raise SystemExit(f"No page {name!r}; the pages: {', '.join(pages)}")
        page, headers = pages[name]
        request = probe.requester(page, headers)
        for _ in range(probe.WARM_UP):
            request()
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(requests):
            request()
        profiler.disable()
    probe.clean()
    stats = pstats.Stats(profiler)
    total = stats.total_tt / requests * 1000
    print(f"{name}: {total:.1f} ms a request under the profiler ({requests} requests)\n")
    listings = [
        ("By own time", "tottime", lambda filename: True),
        ("Headway's own functions, by cumulative time", "cumulative", ours),
    ]
    for title, order, chosen in listings:
        print(f"{title}, per request:")
        print(f"{'ms':>8} {'cum ms':>8} {'calls':>8}  function")
        functions = [f for f in stats.sort_stats(order).fcn_list if chosen(f[0])]
        for func in functions[:top]:
            calls, _primitive, own, cumulative, _callers = stats.stats[func]
            filename, line, function = func
            where = f"{shown(filename)}:{line}({function})" if line else function
            print(
                f"{own / requests * 1000:8.2f} {cumulative / requests * 1000:8.2f} "
                f"{calls / requests:8.0f}  {where}"
            )
        print()


def ours(filename):
    """Whether `filename` is Headway's code (not a library's, not this tool's)."""
    path = Path(filename)
    return (
        path.is_relative_to(ROOT)
        and not path.is_relative_to(ROOT / ".venv")
        and (path.parent != ROOT / "bench")
    )


def shown(filename):
    """`filename` from the project's root, or from its library's package."""
    path = Path(filename)
    if path.is_relative_to(ROOT) and not path.is_relative_to(ROOT / ".venv"):
        return str(path.relative_to(ROOT))
    parts = path.parts
    if "site-packages" in parts:
        return "/".join(parts[parts.index("site-packages") + 1 :])
    return path.name


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if not arguments:
        raise SystemExit(__doc__)
    profile(arguments[0], *(int(number) for number in arguments[1:3]))
