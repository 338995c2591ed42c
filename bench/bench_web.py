"""Web app latency: the caseload page by caseload size, the client chart at 200 sessions,
and the submit-and-score round trip with concurrent clients against `alliance serve`.

Each figure is set beside a floor measured in the same run on the same path: the trivial
`/health/` endpoint (in-process for the pages, through the real server for the round trip),
so the ratios can be compared across machines. Data live in a fresh SQLite folder (the
single-practitioner default), removed at the end; with `--database-url` (a PostgreSQL
server, e.g. postgres://postgres@127.0.0.1:5432/postgres), in a throwaway database
`alliance_bench` that the run creates there (replacing one left by an earlier run) and
drops. Each caseload size is followed by ANALYZE, as `refit_reference` runs after an import.
`--explain` prints the caseload queries' plans at the largest size (EXPLAIN ANALYZE; on
PostgreSQL with JIT compilation on, then off as the app's connections have it).

Run: python bench/bench_web.py [--sizes 50,500,5000] [--chart-sessions 200]
                               [--submitters 20] [--submits 10] [--repeats 30]
                               [--workers N] [--database-url URL] [--explain]
                               [--only caseload|chart|round-trip|durability]
                               [--durability-forms 100]

The client chart's target: p95 at most 30 ms at 200 sessions on SQLite in-process
(`--only chart` runs that scenario alone, e.g. before and after a change, back to back).

The submit-and-score round trip runs against a real `alliance serve --workers N` (default
2, the target's, with REDIS_URL set: the cache then lives in Redis as in production; 1
without it, since the server runs more than one process only so) on the run's database,
started with this run's environment. A link's page is opened, then its SRS, PHQ-9 and GAD-7
are posted and the post timed until the thanks: first one client alone, `--repeats` times
in a row, then `--submitters` clients at once, `--submits` each. Its target (issue 14): on
PostgreSQL with --workers 2, the p95 of 20 clients at once at most 5x the median of one
alone, with 0 errors. HTTP errors, missing thanks and timeouts are counted, not raised;
the run exits non-zero after printing when there were any, or when the forms stored differ
from those acknowledged.

Store durability (SQLite): SRS forms stored one by one, each in its own transaction as a
client link stores them, with synchronous=NORMAL and with FULL (the app's: each commit synced
to disk before the client is thanked), alternating in the same run on the same file; forms
per second for each and their ratio. On tmpfs a sync costs nothing: the run names the
filesystem.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import gc
import http.client
import http.cookiejar
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(
    run: Callable[[], object], repeats: int, clock: Callable[[], float] = time.perf_counter
) -> list[float]:
    run()  # warm: imports, template loading, the database's page cache
    times = []
    for _ in range(repeats):
        start = clock()
        run()
        times.append(clock() - start)
    return times


def line(label: str, times: list[float], floor: list[float] | None = None) -> str:
    median, p95 = statistics.median(times) * 1000, percentile(times, 0.95) * 1000
    text = f"{label:<34} median {median:8.1f} ms   p95 {p95:8.1f} ms"
    if floor:
        text += f"   {statistics.median(times) / statistics.median(floor):7.1f}x floor"
    return text


def signed_in(user: object) -> Any:
    """An in-process browser signed in as `user` that fails loudly on anything but a 200."""
    from django.test import Client as Browser

    class Checked(Browser):
        def get(self, path: str, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
            response = super().get(path, *args, **kwargs)
            assert response.status_code == 200, f"{path} answered {response.status_code}"
            return response

    browser = Checked(HTTP_HOST="localhost")
    browser.force_login(user)  # type: ignore[arg-type]
    return browser


BENCH_DATABASE = "alliance_bench"


def create_database(server_url: str) -> str:
    """A fresh `alliance_bench` on the server of `server_url`; its URL."""
    import psycopg

    with psycopg.connect(maintenance_url(server_url), autocommit=True) as maintenance:
        maintenance.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        maintenance.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    return urllib.parse.urlsplit(server_url)._replace(path=f"/{BENCH_DATABASE}").geturl()


def drop_database(server_url: str) -> None:
    import psycopg
    from django.apps import apps
    from django.db import connections

    if apps.ready:
        connections.close_all()
    with psycopg.connect(maintenance_url(server_url), autocommit=True) as maintenance:
        maintenance.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")


def maintenance_url(server_url: str) -> str:
    """The URL's own database to create and drop the bench's from (never the bench's)."""
    parts = urllib.parse.urlsplit(server_url)
    if parts.path.strip("/") in ("", BENCH_DATABASE):
        parts = parts._replace(path="/postgres")
    return parts.geturl()


def engine() -> str:
    from django.db import connection

    return "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"


def setup(data_dir: str, database_url: str | None) -> None:
    os.environ["ALLIANCE_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    # The benchmark's browser signs in with a password only, as in the demo: the second
    # factor is a sign-in step, not part of what a page costs.
    os.environ["ALLIANCE_RELAX_MFA"] = "demo"
    from alliance.web.run import migrate, setup_django

    setup_django()
    migrate()


def bench_member() -> tuple[Any, Any]:
    """The bench organization and its clinician, made by the first scenario that runs."""
    from django.contrib.auth import get_user_model

    from alliance.care.models import Membership, Organization

    organization, _ = Organization.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    user, made = get_user_model().objects.get_or_create(username="bench-clinician")
    if made:
        Membership.objects.create(organization=organization, user=user, role="clinician")
    return organization, user


# Issue 14's target: the caseload page's p95 at 5,000 clients at most 1.5x its p95 at 50.
CASELOAD_TARGET = 1.5


def bench_caseload(sizes: list[int], repeats: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from alliance.care.models import Client, Episode
    from alliance.care.services.administrations import import_episode_forms
    from alliance.synthetic import generate_caseload

    organization, user = bench_member()
    # Histories from the generator (ruptures, deteriorations, self-harm answers), reused
    # under new codes beyond the first 500: monitoring cost is per client either way.
    histories = generate_caseload(min(max(sizes), 500), seed=11, clinicians=1).episodes
    browser = signed_in(user)
    from alliance.care.services.demo import update_planner_statistics

    print(f"caseload page (in-process, {engine()}):")
    made = 0
    pages: dict[int, list[float]] = {}
    for size in sizes:
        start = time.perf_counter()
        while made < size:
            history = histories[made % len(histories)]
            client = Client.objects.create(
                organization=organization, clinician=user, code=f"B-{made:05d}"
            )
            episode = Episode.objects.create(
                client=client, started_on=history.administrations[0].date
            )
            forms = ((a.session_number, a.date, a.instrument, a.score) for a in history)
            import_episode_forms(episode=episode, forms=forms)
            made += 1
        build = time.perf_counter() - start
        start = time.perf_counter()
        update_planner_statistics()
        analyze = time.perf_counter() - start
        # As `alliance serve` starts serving: what is built so far is frozen out of the
        # collector's sight (gc.freeze), else a full collection over the thousands of
        # objects the build left would land in one timed request and be its p95.
        gc.collect()
        gc.freeze()
        floor = timed(lambda: browser.get("/health/"), repeats)
        page = timed(lambda: browser.get("/"), repeats)
        pages[size] = page
        with CaptureQueriesContext(connection) as queries:
            response = browser.get("/")
        assert response.content.decode().count('href="/clients/') == min(size, 100)
        print(
            f"  {size:>5} clients (built in {build:5.1f} s, ANALYZE {analyze * 1000:.0f} ms), "
            f"{len(queries)} queries, the 100 most pressing rendered"
        )
        print("  " + line("/health/ (floor)", floor))
        print("  " + line(f"caseload, {size} clients", page, floor))
    gc.unfreeze()
    smallest, largest = min(pages), max(pages)
    if largest > smallest:
        ratio = percentile(pages[largest], 0.95) / percentile(pages[smallest], 0.95)
        met = "met" if ratio <= CASELOAD_TARGET else "not met"
        setting = "" if (smallest, largest) == (50, 5000) else " (at this run's sizes)"
        print(f"  p95 at {largest} clients / p95 at {smallest}: {ratio:.2f}x; target "
              f"<= {CASELOAD_TARGET}x at 5000 / 50: {met}{setting}")  # fmt: skip


# PostgreSQL's JIT compilation: on as PostgreSQL ships it (compiles above jit_above_cost),
# forced (compiles whatever the cost: what any query pays once past the threshold), and off
# as the app's connections have it.
JIT_SETTINGS = {
    "jit on": "SET jit = on; RESET jit_above_cost",
    "jit forced": "SET jit = on; SET jit_above_cost = 0",
    "jit off": "SET jit = off; RESET jit_above_cost",
}


def explain_caseload() -> None:
    """EXPLAIN ANALYZE of the caseload page's queries on the clients (the largest size)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    browser = signed_in(get_user_model().objects.get(username="bench-clinician"))
    with CaptureQueriesContext(connection) as queries:
        browser.get("/")
    statements = [query["sql"] for query in queries.captured_queries]
    caseload = [sql for sql in statements if sql.startswith("SELECT") and '"care_client"' in sql]
    postgresql = connection.vendor == "postgresql"
    for jit, settings in JIT_SETTINGS.items() if postgresql else [("", "")]:
        with connection.cursor() as cursor:
            for statement in filter(None, settings.split("; ")):
                cursor.execute(statement)
            for number, sql in enumerate(caseload, 1):
                explain = "EXPLAIN (ANALYZE, BUFFERS) " if postgresql else "EXPLAIN QUERY PLAN "
                cursor.execute(explain + sql)
                plan = "\n    ".join(str(row[-1]) for row in cursor.fetchall())
                print(f"  caseload query {number}{f' ({jit})' if jit else ''}: {sql}\n    {plan}")


# The client chart at 200 sessions, in-process on SQLite: p95 at most 30 ms.
CHART_TARGET = 0.030


def bench_chart(sessions: int, repeats: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from alliance.care.models import Client, Episode
    from alliance.care.services.administrations import import_episode_forms
    from alliance.care.services.ruptures import record_outcome, record_repair_step, record_rupture
    from alliance.measures import score

    rng = random.Random(5)
    organization, user = bench_member()
    client = Client.objects.create(organization=organization, clinician=user, code="LONG-1")
    day = dt.date(2022, 1, 3)
    episode = Episode.objects.create(client=client, started_on=day)
    forms = []
    for n in range(1, sessions + 1):
        held = day + dt.timedelta(weeks=n)
        srs = {str(i): rng.randint(60, 100) / 10 for i in range(1, 5)}
        forms.append((n, held, "srs", score("srs", srs)))
        phq = {str(i): rng.randint(0, 2) for i in range(1, 9)} | {"9": 0}
        forms.append((n, held, "phq-9", score("phq-9", phq)))
        gad = {str(i): rng.randint(0, 2) for i in range(1, 8)}
        forms.append((n, held, "gad-7", score("gad-7", gad)))
        if n % 10 in (3, 8):
            wai = {str(i): rng.randint(3, 5) for i in range(1, 13)}
            forms.append((n, held, "wai-sr", score("wai-sr", wai)))
    import_episode_forms(episode=episode, forms=forms)
    # A recorded rupture every 25 sessions with its three repair steps and an outcome: the
    # chart's rupture layers and the page's rupture forms carry their share.
    for at in range(10, sessions, 25):
        rupture = record_rupture(episode=episode, session_number=at, rupture_type="withdrawal",
                                 noticed_via="scores", user=user)  # fmt: skip
        for step in ("noticed", "marked", "explored"):
            record_repair_step(rupture=rupture, step=step, session_number=at + 1, user=user)
        record_outcome(rupture=rupture, outcome="resolved", session_number=at + 2, user=user)
    browser = signed_in(user)
    floor = timed(lambda: browser.get("/health/"), repeats)
    page = timed(lambda: browser.get(f"/clients/{client.pk}/"), repeats)
    # The page's own processor time (the test client runs it in this thread): steadier than
    # the wall clock on a machine shared with other work.
    cpu = timed(lambda: browser.get(f"/clients/{client.pk}/"), repeats, clock=time.thread_time)
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(f"/clients/{client.pk}/")
    print(f"client chart ({engine()}, {sessions} sessions, {len(forms)} forms, "
          f"{len(response.content) // 1024} KiB page, {len(queries)} queries):")  # fmt: skip
    print("  " + line("/health/ (floor)", floor))
    print("  " + line(f"chart, {sessions} sessions", page, floor))
    print("  " + line(f"chart, {sessions} sessions, CPU time", cpu))
    met = "met" if percentile(page, 0.95) <= CHART_TARGET else "not met"
    print(f"  target p95 <= {CHART_TARGET * 1000:.0f} ms: {met}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# Issue 14's target: 20 clients submitting at once to `alliance serve --workers 2` on
# PostgreSQL, p95 at most 5x the median of one client's round trip alone, in the same run,
# with no errors.
ROUND_TRIP_TARGET = 5.0
# What one submission carries: a session's link for the SRS, PHQ-9 and GAD-7, all answered.
ROUND_TRIP_FORMS = ["srs", "phq-9", "gad-7"]
ROUND_TRIP_ANSWERS = (
    {f"srs-{i}": "8.5" for i in range(1, 5)}
    | {f"phq-9-{i}": "1" for i in range(1, 9)}
    | {"phq-9-9": "0", "phq-9-10": "1"}
    | {f"gad-7-{i}": "1" for i in range(1, 8)}
)
# A reply slower than this is counted as an error (a timeout), and the run goes on.
REQUEST_SECONDS = 60.0


@dataclass
class Trips:
    """Acknowledged round trips (seconds) and the failed attempts, counted by what failed."""

    times: list[float] = field(default_factory=list)
    errors: collections.Counter[str] = field(default_factory=collections.Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)
    seconds: float = 0.0  # the whole run's, from first request to last reply

    @property
    def rate(self) -> float:
        """Submissions acknowledged per second over the whole run (each opens its link too)."""
        return self.acknowledged / self.seconds

    def add(self, outcome: float | str) -> None:
        with self.lock:
            if isinstance(outcome, str):
                self.errors[outcome] += 1
            else:
                self.times.append(outcome)

    @property
    def acknowledged(self) -> int:
        return len(self.times)


def round_trip_links(prefix: str, clients: int, sessions: int) -> list[list[str]]:
    """For each of `clients` new clients, a link's token at each of `sessions` sessions."""
    from alliance.care.models import Client
    from alliance.care.services.links import create_form_link
    from alliance.care.services.sessions import start_session

    organization, user = bench_member()
    tokens: list[list[str]] = []
    for k in range(clients):
        client = Client.objects.create(
            organization=organization, clinician=user, code=f"{prefix}-{k}"
        )
        tokens.append([])
        for _ in range(sessions):
            session = start_session(client=client)
            tokens[-1].append(create_form_link(session=session, instruments=ROUND_TRIP_FORMS)[1])
    return tokens


def round_trip_workers(workers: int | None) -> tuple[int, str]:
    """The server's worker processes, and why when not as asked: the default is 2 (the
    target's), or 1 without REDIS_URL, since `alliance serve` runs more than one process
    only with the limits' counters shared in Redis."""
    if workers is not None:
        return workers, ""
    if os.environ.get("REDIS_URL"):
        return 2, ""
    return 1, "REDIS_URL unset, so one process: set it for the target's --workers 2"


def server_threads(workers: int) -> int:
    """The threads of each of `alliance serve`'s processes."""
    from alliance.web.run import THREADS, WORKER_THREADS

    return WORKER_THREADS if workers > 1 else THREADS


def describe_server(workers: int) -> str:
    threads = server_threads(workers)
    if workers > 1:
        server = f"gunicorn, {workers} worker processes x {threads} threads"
    else:
        server = f"waitress, 1 process x {threads} threads"
    cache = "in Redis" if os.environ.get("REDIS_URL") else "in each process's memory"
    tasks = os.environ.get("ALLIANCE_TASKS", "database")
    return f"{server}; {engine()}; cache {cache}; task queue: {tasks}"


def start_server(
    workers: int, log: Path, env: dict[str, str]
) -> tuple[subprocess.Popen[bytes], str]:
    """`alliance serve --workers N` on a free port, once it answers /health/; its base URL."""
    port = free_port()
    command = [str(Path(sys.executable).parent / "alliance"), "serve", "--port", str(port),
               "--workers", str(workers)]  # fmt: skip
    with log.open("wb") as output:
        server = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and server.poll() is None:
        try:
            urllib.request.urlopen(base + "/health/", timeout=1).read()
            return server, base
        except OSError:
            time.sleep(0.1)
    stop_server(server)
    sys.exit(f"`{' '.join(command[1:])}` did not answer /health/:\n{log.read_text()}")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def bench_round_trip(
    submitters: int, submits: int, single: int, workers: int | None, log_folder: Path
) -> bool:
    """Issue 14's measure: one client's submit-and-score round trip alone, `single` times
    in a row, then `submitters` clients at once, `submits` each, against one server. Each
    client of the single run has `submits` sessions too, so that both runs store forms into
    histories of the same lengths. False when any attempt failed or the forms stored differ
    from those acknowledged."""
    from alliance.care.models import Administration

    count, why = round_trip_workers(workers)
    # Enough at once to keep every serving thread busy, so each opens its database
    # connection (and loads its templates) before anything is timed.
    warming = max(submitters, count * server_threads(count))
    warm_tokens = round_trip_links("RT-WARM", warming, 1)
    # Each client at once has `submits` sessions; the one client alone goes through clients
    # of the same shape, one after the other, until it has sent `single` submissions.
    single_tokens = [token for tokens in round_trip_links("RT-ALONE", -(-single // submits),
                                                          submits)
                     for token in tokens][:single]  # fmt: skip
    together_tokens = round_trip_links("RT", submitters, submits)
    before = Administration.objects.count()
    # DATABASE_URL, REDIS_URL, the data folder: as this run has them; the bench's cache keys
    # (link guesses) apart from any install's on the same Redis.
    prefix = f"alliance-bench-{os.getpid()}"
    env = os.environ | {"ALLIANCE_CACHE_PREFIX": prefix}
    server, base = start_server(count, log_folder / "serve.log", env)
    try:
        floor = Trips()
        _at_once(submitters, submits, lambda _k, _i: floor.add(_get(base + "/health/")))
        warm = Trips()
        _at_once(warming, 1, lambda k, _i: warm.add(_submit(base, warm_tokens[k][0])))
        alone = Trips()
        start = time.perf_counter()
        for token in single_tokens:
            alone.add(_submit(base, token))
        alone.seconds = time.perf_counter() - start
        together = Trips()
        start = time.perf_counter()
        _at_once(submitters, submits,
                 lambda k, i: together.add(_submit(base, together_tokens[k][i])))  # fmt: skip
        together.seconds = time.perf_counter() - start
    finally:
        stop_server(server)
        forget_bench_cache(prefix)
    stored = Administration.objects.count() - before
    acknowledged = warm.acknowledged + alone.acknowledged + together.acknowledged
    errors = warm.errors + alone.errors + together.errors + floor.errors
    print(f"submit-and-score round trip against `alliance serve --workers {count}` "
          f"({describe_server(count)}), {len(ROUND_TRIP_FORMS)} forms per submission:")  # fmt: skip
    if why:
        print(f"  ({why})")
    if floor.times:
        print("  " + line(f"/health/, {submitters} at once (floor)", floor.times))
    if alone.times:
        print("  " + line(f"one client alone, {single} in a row", alone.times))
    if together.times:
        print("  " + line(f"{submitters} clients at once, {submits} each", together.times))
    if alone.times and together.times:
        cores = usable_cores()
        print(f"  throughput: alone {alone.rate:.1f} submissions/s, at once "
              f"{together.rate:.1f}/s ({together.rate / alone.rate:.2f}x, on {cores} "
              f"cores)")  # fmt: skip
        ratio = percentile(together.times, 0.95) / statistics.median(alone.times)
        # A submission is processor work (the server's and the database's), which alone
        # never waits: clients sending at once without a pause share the cores, so each
        # waits about clients / cores times as long however fast the work is.
        shared = max(1.0, submitters / cores)
        print(f"  p95 at once / median alone: {ratio:.1f}x ({submitters} clients sharing "
              f"{cores} cores: about {shared:.0f}x at best)")  # fmt: skip
        met = "met" if ratio <= ROUND_TRIP_TARGET and not errors else "not met"
        differs = ""
        if (submitters, count, engine()) != (20, 2, "PostgreSQL"):
            differs = (f" at this run's setting ({submitters} at once, --workers {count}, "
                       f"{engine()}), not the target's")  # fmt: skip
        print(f"  target (20 at once, --workers 2, PostgreSQL): p95 at most "
              f"{ROUND_TRIP_TARGET:.0f}x the median alone, 0 errors: {met}{differs}")  # fmt: skip
    described = ", ".join(f"{n} {what}" for what, n in sorted(errors.items()))
    print(f"  errors: {sum(errors.values())}{f' ({described})' if described else ''}")
    expected = len(ROUND_TRIP_FORMS) * acknowledged
    print(f"  forms stored: {stored}, for {acknowledged} submissions acknowledged "
          f"({expected} expected)")  # fmt: skip
    return not errors and stored == expected


def usable_cores() -> int:
    """The cores this process may run on (a container's or a `taskset`'s, not the host's)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def forget_bench_cache(prefix: str) -> None:
    """Remove the bench's keys (under its own prefix) from Redis, when the cache was there."""
    if not os.environ.get("REDIS_URL"):
        return
    import redis

    with redis.Redis.from_url(os.environ["REDIS_URL"]) as store:
        for key in store.scan_iter(match=f"{prefix}:*"):
            store.delete(key)


def _at_once(clients: int, each: int, run: Callable[[int, int], None]) -> None:
    """`clients` threads let go together, each running `run(k, i)` `each` times in a row."""
    barrier = threading.Barrier(clients)

    def client(k: int) -> None:
        barrier.wait()
        for i in range(each):
            run(k, i)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _failure(exc: Exception) -> str:
    """What a failed request is counted as: an HTTP status, a timeout, or the connection."""
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code}"
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, TimeoutError):
        return "timeout"
    return f"connection: {type(reason).__name__}"  # refused, reset, cut short


def _get(url: str) -> float | str:
    start = time.perf_counter()
    try:
        urllib.request.urlopen(url, timeout=REQUEST_SECONDS).read()
    except (OSError, http.client.HTTPException) as exc:
        return _failure(exc)
    return time.perf_counter() - start


def _submit(base: str, token: str) -> float | str:
    """Open the link (its CSRF cookie and token), then time the post until the thanks: the
    seconds, or what went wrong."""
    url = f"{base}/f/{token}/"
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    try:
        page = opener.open(url, timeout=REQUEST_SECONDS).read().decode()
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if csrf is None:
            return "no form on the link page"
        body = urllib.parse.urlencode(ROUND_TRIP_ANSWERS | {"csrfmiddlewaretoken": csrf[1]})
        request = urllib.request.Request(url, data=body.encode(), headers={"Referer": url})
        start = time.perf_counter()
        reply = opener.open(request, timeout=REQUEST_SECONDS).read().decode()
        elapsed = time.perf_counter() - start
    except (OSError, http.client.HTTPException) as exc:
        return _failure(exc)
    return elapsed if "Thank you" in reply else "not acknowledged"


def bench_store_durability(forms: int) -> None:
    from django.db import connection

    from alliance.care.services.administrations import record_administration
    from alliance.care.services.clients import add_client
    from alliance.care.services.sessions import start_session

    if connection.vendor != "sqlite":
        print("store durability: SQLite only (PostgreSQL keeps its durable defaults, checked "
              "by `alliance serve`)")  # fmt: skip
        return
    organization, user = bench_member()
    answers = {str(n): 8.5 for n in range(1, 5)}
    times: dict[str, list[float]] = {"NORMAL": [], "FULL": []}
    # Two rounds each, alternating, so that a slower moment of the disk falls on both; a
    # client of its own for each form, so that every store does the same work.
    for round_number, mode in enumerate(("NORMAL", "FULL") * 2):
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA synchronous={mode}")
        sessions = [
            start_session(client=add_client(clinician=user, organization=organization,
                                            code=f"DURABLE-{round_number}-{n}"))
            for n in range(max(1, forms // 2))
        ]  # fmt: skip
        for session in sessions:
            start = time.perf_counter()
            record_administration(session=session, instrument="srs", answers=answers)
            times[mode].append(time.perf_counter() - start)
    # The sync alone: commits of one row each, nothing else, in a table of the bench's own.
    commits: dict[str, float] = {}
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_commit (n INTEGER)")
        for mode in ("NORMAL", "FULL"):
            cursor.execute(f"PRAGMA synchronous={mode}")
            start = time.perf_counter()
            for n in range(forms):
                cursor.execute("INSERT INTO bench_commit VALUES (%s)", [n])
            commits[mode] = forms / (time.perf_counter() - start)
        cursor.execute("PRAGMA synchronous=FULL")
    rates = {mode: len(spent) / sum(spent) for mode, spent in times.items()}
    where = settings_database_folder()
    print(f"store durability (SQLite in WAL mode, {len(times['FULL'])} SRS forms per setting, "
          f"each its own transaction, on {filesystem(where)} at {where}):")  # fmt: skip
    # Overall (every pause included) and at the median time per form (steadier on a busy
    # machine, where another process's bursts fall on either setting).
    medians = {mode: statistics.median(spent) for mode, spent in times.items()}
    for mode, median in medians.items():
        print(f"  synchronous={mode:<6} {rates[mode]:7.1f} forms/s overall, "
              f"{1 / median:7.1f} at the median time ({median * 1000:.1f} ms)")  # fmt: skip
    print(f"  FULL/NORMAL: {rates['FULL'] / rates['NORMAL']:.2f}x the forms per second overall, "
          f"{medians['NORMAL'] / medians['FULL']:.2f}x at the median")  # fmt: skip
    print(f"  bare one-row commits: NORMAL {commits['NORMAL']:,.0f}/s, FULL "
          f"{commits['FULL']:,.0f}/s ({commits['FULL'] / commits['NORMAL']:.3f}x): a sync costs "
          f"{1000 / commits['FULL'] - 1000 / commits['NORMAL']:.2f} ms here")  # fmt: skip


def settings_database_folder() -> Path:
    from django.conf import settings

    return Path(settings.DATABASES["default"]["NAME"]).parent


def filesystem(folder: Path) -> str:
    """The type of the filesystem holding `folder` (Linux), else "a disk"."""
    try:
        mounts = [line.split()[1:3] for line in Path("/proc/mounts").read_text().splitlines()]
    except OSError:
        return "a disk"
    resolved = str(folder.resolve())
    found = [(point, kind) for point, kind in mounts
             if resolved == point or resolved.startswith(point.rstrip("/") + "/")]  # fmt: skip
    return max(found, key=lambda mount: len(mount[0]))[1] if found else "a disk"


SCENARIOS = ("caseload", "chart", "round-trip", "durability")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,500,5000")
    parser.add_argument("--chart-sessions", type=int, default=200)
    parser.add_argument("--submitters", type=int, default=20,
                        help="clients submitting at once in the round trip")  # fmt: skip
    parser.add_argument("--submits", type=int, default=10,
                        help="submissions of each client at once, one after the other")  # fmt: skip
    parser.add_argument("--repeats", type=int, default=30,
                        help="timed repetitions of a page, and of one client's round trip "
                        "alone")  # fmt: skip
    parser.add_argument("--workers", type=int, metavar="N",
                        help="the round trip's `alliance serve --workers N`; default 2 with "
                        "REDIS_URL set, else 1")  # fmt: skip
    parser.add_argument("--database-url", help="a PostgreSQL server to bench on (see above)")
    parser.add_argument("--explain", action="store_true", help="print the caseload's plans")
    parser.add_argument("--only", choices=SCENARIOS, help="run one scenario alone")
    parser.add_argument("--durability-forms", type=int, default=100,
                        help="forms stored with each synchronous setting")  # fmt: skip
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    failed = False
    database_url = create_database(args.database_url) if args.database_url else None
    try:
        with tempfile.TemporaryDirectory() as data_dir:
            setup(str(Path(data_dir)), database_url)
            if args.only in (None, "caseload"):
                bench_caseload(sizes, args.repeats)
                if args.explain:
                    explain_caseload()
            if args.only in (None, "chart"):
                bench_chart(args.chart_sessions, args.repeats)
            if args.only in (None, "round-trip"):
                failed = not bench_round_trip(args.submitters, args.submits, args.repeats,
                                              args.workers, Path(data_dir))  # fmt: skip
            if args.only in (None, "durability"):
                bench_store_durability(args.durability_forms)
    finally:
        if args.database_url:
            drop_database(args.database_url)
    if failed:
        sys.exit("the round trip had errors, or stored other forms than it acknowledged")


if __name__ == "__main__":
    main()
