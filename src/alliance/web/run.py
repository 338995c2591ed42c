"""Running the app: `alliance serve` and `alliance demo` (waitress, a production WSGI
server; static files from the package through WhiteNoise)."""

from __future__ import annotations

import os
import secrets


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.web.settings")
    from alliance.measures.site import data_dir

    if not os.environ.get("DATABASE_URL"):
        data_dir().mkdir(parents=True, exist_ok=True)
    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def serve(host: str, port: int) -> None:
    from waitress import serve as waitress_serve

    from alliance.web.wsgi import application

    print(f"Alliance Monitor at http://{host}:{port}/  (Ctrl-C stops)", flush=True)
    waitress_serve(application, host=host, port=port, threads=8, ident="alliance")


def run_serve(host: str, port: int) -> int:
    setup_django()
    migrate()
    serve(host, port)
    return 0


def run_demo(host: str, port: int, password: str | None) -> int:
    # The demo's shared, printed password is for looking around, not for real records:
    # two-factor sign-in is relaxed for it (never in production, see settings).
    os.environ["ALLIANCE_RELAX_MFA"] = "demo"
    setup_django()
    migrate()
    from alliance.care.services.demo import DEMO_USERS, create_demo

    password = password or secrets.token_urlsafe(9)
    clients = create_demo(password=password)
    print(f"Demo organization with {clients} clients. Logins (password: {password}):")
    for username, role in DEMO_USERS:
        print(f"  {username:<11} {role}")
    serve(host, port)
    return 0
