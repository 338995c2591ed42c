"""Running the app: `alliance serve` and `alliance demo`.

One process (the default without REDIS_URL, and on platforms without gunicorn): waitress, a
production WSGI server, with threads. More than one (`--workers N`): gunicorn's threaded
workers, forked after migrations and sharing the cache in Redis. Static files come from the
package through WhiteNoise either way. Beside the server, as a child process that stops with
it, runs the task worker that sends notifications (`alliance.notify.worker`; none with
ALLIANCE_TASK_WORKER=off).

Neither server interprets a proxy's forwarding headers: both pass them to the app untouched,
where web/proxy.py believes them from ALLIANCE_TRUSTED_PROXIES only (one place, one rule,
whichever server runs).
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

# The app mostly waits on the database, so a process's threads overlap those waits: waitress
# runs one process with 8; gunicorn runs 4 in each worker.
THREADS = 8
WORKER_THREADS = 4
# One worker per core, at most 4 unless asked: each worker holds its own database
# connections (threads x workers of them, against PostgreSQL's 100 by default) and its own
# copy of the app with numpy, scipy and statsmodels (about 150 MB); past 4 on a host that
# also runs the database, workers compete with it for the cores they were meant to use.
MAX_DEFAULT_WORKERS = 4
# Migrations run once however many `alliance serve` start at once on one PostgreSQL
# database: each waits for this advisory lock (any fixed number, the app's own).
MIGRATION_LOCK = 0x616C6C69616E6365

# Forwarding headers reach the app as sent (web/proxy.py decides whom to believe). Waitress
# would otherwise drop them all (no trusted_proxy), and gunicorn would believe
# X-Forwarded-Proto from its own list of addresses (127.0.0.1 by default) beside the app's.
WAITRESS_OPTIONS: dict[str, Any] = {
    "threads": THREADS,
    "ident": "alliance",
    "clear_untrusted_proxy_headers": False,
}
GUNICORN_PROXY_OPTIONS: dict[str, Any] = {"forwarded_allow_ips": "", "secure_scheme_headers": {}}


def default_workers() -> int:
    """One worker per core (1 to 4) when the limits' counters are shared (REDIS_URL); one
    process otherwise."""
    if not os.environ.get("REDIS_URL"):
        return 1
    return max(1, min(os.cpu_count() or 1, MAX_DEFAULT_WORKERS))


def checked_workers(workers: int | None) -> int:
    """The number of worker processes to run, or ImproperlyConfigured saying why not."""
    if workers is None:
        return default_workers()
    if workers < 1:
        raise ImproperlyConfigured(f"--workers must be 1 or more, got {workers}")
    if workers > 1 and not os.environ.get("REDIS_URL"):
        # Each process would count link guesses in its own memory: N workers would let an
        # address try N times the limit.
        raise ImproperlyConfigured(
            f"--workers {workers} needs REDIS_URL (e.g. redis://127.0.0.1:6379/0), so that "
            "the link-guessing limit is counted across the processes; without it, use "
            "--workers 1"
        )
    if workers > 1 and not _has_gunicorn():
        raise ImproperlyConfigured(
            f"--workers {workers} needs gunicorn, which does not run on this platform; "
            "use --workers 1"
        )
    return workers


def _has_gunicorn() -> bool:
    try:
        import gunicorn  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        return False
    return True


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.web.settings")
    from alliance.measures.site import data_dir

    if not os.environ.get("DATABASE_URL"):
        data_dir().mkdir(parents=True, exist_ok=True)
    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from alliance.care.services.demo import update_planner_statistics

    with _migration_lock():
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        call_command("migrate", interactive=False, verbosity=0)
    if pending:
        # A data migration rewrites whole tables (e.g. every client's caseload place): the
        # planner would otherwise count the dead row versions too until autovacuum runs.
        update_planner_statistics()


@contextlib.contextmanager
def _migration_lock() -> Iterator[None]:
    from django.db import connection

    if connection.vendor != "postgresql":
        yield  # SQLite: one host, and a write transaction locks the whole file anyway
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK])


def check_cache() -> None:
    """With REDIS_URL, fail at start, in one line, when Redis cannot be reached: not at the
    first link a client opens."""
    if not os.environ.get("REDIS_URL"):
        return
    from django.core.cache import cache

    try:
        cache.get("alliance-start")
    except Exception as exc:
        raise ImproperlyConfigured(f"REDIS_URL: the cache cannot be reached: {exc}") from None


def durability_problems() -> list[str]:
    """What would let a form the client was thanked for be lost in a crash or power cut:
    SQLite not syncing every commit, or a PostgreSQL server (or this app's connection
    options, e.g. `?options=-c synchronous_commit=off` in DATABASE_URL) not waiting for the
    disk. Empty when commits are durable."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous")
            level = cursor.fetchone()[0]
            # 2 is FULL, 3 EXTRA; 0 OFF and 1 NORMAL can lose the last commits.
            return [] if level >= 2 else [f"SQLite synchronous is {level}, not FULL (2)"]
        problems = []
        for setting in DURABLE_POSTGRESQL:
            cursor.execute(f"SHOW {setting}")
            if cursor.fetchone()[0] == "off":
                problems.append(f"PostgreSQL's {setting} is off")
        return problems


# PostgreSQL's settings that lose or corrupt committed transactions when off (its defaults
# are on; a server tuned for speed, or connection options, can turn them off).
DURABLE_POSTGRESQL = ("fsync", "synchronous_commit", "full_page_writes")


def check_durability() -> None:
    """Production refuses to serve with commits that are not durable; development warns."""
    from django.conf import settings

    problems = durability_problems()
    if not problems:
        return
    message = (f"{'; '.join(problems)}: a form the client was thanked for could be lost in a "
               "crash or power cut")  # fmt: skip
    if settings.PRODUCTION:
        raise ImproperlyConfigured(message)
    print(f"alliance: warning: {message}", file=sys.stderr, flush=True)


def serve(host: str, port: int, workers: int = 1) -> None:
    from django.db import connections

    from alliance.web.wsgi import application

    # No connection opened here (migrations, the demo's data) is carried into a worker.
    connections.close_all()
    # What is loaded by now (Django, the app, the instruments) lives as long as the process:
    # out of the collector's sight, a full collection walks only what requests make instead
    # of pausing a request for tens of milliseconds, and forked workers keep sharing those
    # pages (the collector would write to every one; see gc.freeze).
    gc.collect()
    gc.freeze()
    address = f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"
    if workers > 1:
        _serve_gunicorn(application, host, port, workers, address)
        return
    from waitress.server import create_server

    logging.basicConfig()  # waitress's warnings (e.g. a queue of waiting requests) on stderr
    server = create_server(application, host=host, port=port, **WAITRESS_OPTIONS)
    # Printed once the socket listens, so a script that waits for the line can connect.
    print(f"Alliance Monitor at {address}  (one process; Ctrl-C stops)", flush=True)
    server.run()


def gunicorn_options(host: str, port: int, workers: int) -> dict[str, Any]:
    return {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": WORKER_THREADS,
        # The app is loaded here, once, and the workers are forked from it: the same
        # settings (a development key included) in every worker.
        "preload_app": True,
        # Several servers may run side by side under one account; none is steered at run
        # time through a shared control socket.
        "control_socket_disable": True,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "alliance",
        **GUNICORN_PROXY_OPTIONS,
    }


def _serve_gunicorn(application: Any, host: str, port: int, workers: int, address: str) -> None:
    from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]

    def ready(_arbiter: Any) -> None:
        print(f"Alliance Monitor at {address}  ({workers} worker processes; Ctrl-C stops)",
              flush=True)  # fmt: skip

    options = gunicorn_options(host, port, workers) | {"when_ready": ready}

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for name, value in options.items():
                self.cfg.set(name, value)

        def load(self) -> Any:
            return application

    Server().run()


def run_serve(host: str, port: int, workers: int | None = None) -> int:
    count = checked_workers(workers)
    setup_django()
    check_cache()
    from alliance.audit.keys import audit_key
    from alliance.notify.worker import check_settings, worker_beside_server
    from alliance.web.proxy import check_behind_proxy

    # Refused here, before anything is opened, rather than at every audited page: production
    # without an audit key outside the database (AuditKeyError is a configuration error).
    audit_key()
    check_settings()
    check_behind_proxy()
    check_durability()
    migrate()
    with worker_beside_server():
        serve(host, port, count)
    return 0


def demo_data_dir() -> Path:
    """`demo` inside the data folder (ALLIANCE_DATA_DIR, or the user's data folder); a
    folder already named `demo` is used as it is, so running the demo twice keeps one."""
    from alliance.measures.site import data_dir

    base = data_dir()
    folder = base if base.name == "demo" else base / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def run_demo(host: str, port: int, password: str | None, workers: int | None = None) -> int:
    count = checked_workers(workers)
    # The demo keeps its own data folder (a `demo` folder inside the data folder), so it
    # never opens an install's real database by accident.
    folder = demo_data_dir()
    os.environ["ALLIANCE_DATA_DIR"] = str(folder)
    # The demo's shared, printed password is for looking around, not for real records:
    # two-factor sign-in is relaxed for it (never in production, see settings), and only on
    # a database that holds nothing but the demo's own organization and logins.
    os.environ["ALLIANCE_RELAX_MFA"] = "demo"
    setup_django()
    check_cache()
    migrate()
    from alliance.care.services.demo import DEMO_USERS, create_demo, foreign_records

    foreign = foreign_records()
    if foreign:
        print(
            f"alliance demo: error: the database holds {foreign}, which the demo did not "
            "create; the demo relaxes two-factor sign-in, so it runs only on a database of "
            "its own (unset DATABASE_URL, or point it at an empty database)",
            file=sys.stderr,
        )
        return 2
    print(f"Demo data folder: {folder}")

    password = password or secrets.token_urlsafe(9)
    clients = create_demo(password=password)
    print(f"Demo organization with {clients} clients. Logins (password: {password}):")
    for username, role in DEMO_USERS:
        print(f"  {username:<11} {role}")
    from alliance.notify.worker import worker_beside_server

    with worker_beside_server():
        serve(host, port, count)
    return 0
