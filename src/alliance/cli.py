"""The `alliance` command. Thin: parses arguments, calls the core, prints.

Exit status: 0 success, 1 a broken installation (a definition file), 2 bad input or usage.
Errors are one line on stderr; no traceback reaches the user.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from alliance.measures import (
    DefinitionError,
    ScoringError,
    WordingError,
    definitions,
    parse_cutoff_overrides,
    score,
    set_site_cutoffs,
)
from alliance.measures.answers_json import parse_answers
from alliance.measures.definition import Definition
from alliance.measures.wording import form_text, install_wording

EXIT_BROKEN = 1
EXIT_BAD_INPUT = 2
EXIT_BAD_CONFIG = 2


class _Usage(Exception):
    """Bad command-line input found after argparse (e.g. a --cutoff that is not NAME=VALUE)."""


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        return _main(arguments)
    except Exception as exc:
        # Settings that refuse to start (production without a real key, hosts or TLS
        # settings) say why in one line, not a traceback.
        from django.core.exceptions import ImproperlyConfigured

        if not isinstance(exc, ImproperlyConfigured):
            raise
        _fail(f"configuration: {exc}")
        return EXIT_BAD_CONFIG


def _main(arguments: list[str]) -> int:
    if arguments[:1] == ["manage"]:
        return _manage(arguments[1:])
    parser = _parser()
    args = parser.parse_args(arguments)
    try:
        # Validate every definition before doing anything, so a broken file is found at once.
        definitions()
        result: int = args.run(args)
        return result
    except DefinitionError as exc:
        _fail(f"broken instrument definition: {exc}")
        return EXIT_BROKEN
    except (ScoringError, WordingError, _Usage) as exc:
        _fail(str(exc))
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, as other Unix tools do, and
        # point stdout at /dev/null so the flush at exit does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def _fail(message: str) -> None:
    # One line, whatever the message holds, so scripts can read it.
    print(f"alliance: error: {' '.join(message.split())}", file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="alliance", description="Alliance Monitor: measurement-based care for psychotherapy."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    instruments = commands.add_parser("instruments", help="list the instruments")
    instruments.add_argument("--json", action="store_true", help="print JSON for machines")
    instruments.set_defaults(run=_list_instruments)
    under = instruments.add_subparsers(dest="action", metavar="ACTION")
    show = under.add_parser("show", help="show one instrument's form text and key")
    show.add_argument("instrument")
    show.add_argument("--language", default="en")
    show.add_argument("--json", action="store_true")
    show.set_defaults(run=_show_instrument)
    install = under.add_parser(
        "install-wording", help="install a site-licensed wording file (one instrument, language)"
    )
    install.add_argument("file", type=Path)
    install.set_defaults(run=_install_wording)

    commands.add_parser("manage", help="Django's management commands, e.g. `manage migrate`")
    serve = commands.add_parser("serve", help="serve the web app (applies migrations first)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    workers_help = (
        "worker processes (gunicorn; more than 1 needs REDIS_URL); default: one per core, "
        "at most 4, with REDIS_URL, else 1 (waitress)"
    )
    serve.add_argument("--workers", type=int, metavar="N", help=workers_help)
    serve.set_defaults(run=lambda args: _web().run_serve(args.host, args.port, args.workers))
    demo = commands.add_parser("demo", help="create a demo organization and serve it")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--password", help="password for every demo login (default: random)")
    demo.add_argument("--workers", type=int, metavar="N", help=workers_help)
    demo.set_defaults(
        run=lambda args: _web().run_demo(args.host, args.port, args.password, args.workers)
    )

    backup = commands.add_parser(
        "backup",
        help="copy the database (SQLite) to FILE, consistently, while the app runs; "
        "with PostgreSQL, says how with pg_dump",
    )
    backup.add_argument("file", type=Path)
    backup.set_defaults(run=lambda args: _backup("run_backup", args.file))
    restore = commands.add_parser(
        "restore", help="bring a backup made by `alliance backup` into an empty data folder"
    )
    restore.add_argument("file", type=Path)
    restore.set_defaults(run=lambda args: _backup("run_restore", args.file))

    scorer = commands.add_parser(
        "score",
        help="score one form: a JSON object of item id to value on stdin or --file",
    )
    scorer.add_argument("instrument")
    scorer.add_argument("--file", type=Path, help="read the answers from this file")
    scorer.add_argument(
        "--cutoff",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a named cutoff, e.g. alliance_concern=35.9",
    )
    scorer.set_defaults(run=_score)

    analyze = commands.add_parser(
        "analyze",
        help="monitor a caseload: long-format CSV or JSON lines, one row per item answer",
    )
    analyze.add_argument("file", type=Path)
    analyze.add_argument("--format", choices=("table", "json"), default="table")
    analyze.add_argument(
        "--strict",
        action="store_true",
        help="stop at the first bad row or form (exit 2; the output may then be incomplete) "
        "instead of leaving it out, listing it and going on",
    )
    analyze.add_argument(  # the default since bad rows never stop a run; kept for old scripts
        "--skip-invalid", action="store_true", help=argparse.SUPPRESS
    )
    analyze.add_argument(
        "--lenient", action="store_true", help="1 SD rupture threshold instead of 2 SD"
    )
    analyze.add_argument(
        "--cutoff",
        action="append",
        default=[],
        metavar="INSTRUMENT.NAME=VALUE",
        help="use another cutoff for this run, e.g. srs.alliance_concern=35.9 (as a site's "
        "cutoffs.toml does): scores' flags and the monitoring rules follow it",
    )
    analyze.add_argument(
        "--reference", type=Path, help="use a saved reference (expected trajectories) instead "
        "of fitting one from the file"
    )  # fmt: skip
    analyze.add_argument(
        "--save-reference", type=Path, help="save the reference fitted from this file"
    )
    analyze.set_defaults(run=_analyze)
    return parser


def _web() -> Any:
    from alliance.web import run

    return run


def _backup(command: str, file: Path) -> int:
    from alliance.web import backup

    try:
        result: int = getattr(backup, command)(file)
    except backup.BackupError as exc:
        raise _Usage(str(exc)) from None
    return result


def _manage(arguments: list[str]) -> int:
    """Pass the arguments through to Django's management commands."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.web.settings")
    from alliance.measures.site import data_dir

    if not os.environ.get("DATABASE_URL"):
        data_dir().mkdir(parents=True, exist_ok=True)  # where the SQLite file lives
    from django.core.management import execute_from_command_line

    execute_from_command_line(["alliance manage", *arguments])
    return 0


def _list_instruments(args: argparse.Namespace) -> int:
    rows = [_summary(d) for d in definitions().values()]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    headers = ("id", "name", "items", "respondent", "scale", "total", "licence")
    table = [
        (
            r["id"],
            r["name"],
            str(r["items"]),
            r["respondent"],
            r["scale"],
            f"{r['total_min']:g}-{r['total_max']:g}",
            r["licence"],
        )
        for r in rows
    ]
    widths = [max(len(h), *(len(row[i]) for row in table)) for i, h in enumerate(headers)]
    for row in (headers, *table):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    return 0


def _summary(d: Definition) -> dict[str, Any]:
    scale = d.scale
    return {
        "id": d.id,
        "name": d.name,
        "items": len(d.items),
        "respondent": d.respondent,
        "time_frame": d.time_frame,
        "scale": "VAS 0-10" if scale.kind == "vas" else f"points {scale.low:g}-{scale.high:g}",
        "total_min": d.total_min,
        "total_max": d.total_max,
        "subscales": {s.id: list(s.items) for s in d.subscales},
        "reverse_items": list(d.reverse_items),
        "cutoffs": d.cutoffs,
        "bands": [{"label": b.label, "min": b.min, "max": b.max} for b in d.bands],
        "reliable_change": d.change.reliable_change if d.change else None,
        "licence": d.licence.kind,
        "reference": d.reference,
        "loinc_panel": d.loinc.panel,
    }


def _show_instrument(args: argparse.Namespace) -> int:
    d = definitions().get(args.instrument)
    if d is None:
        raise ScoringError("unknown_instrument", f"unknown instrument {args.instrument!r}")
    text = form_text(d.id, args.language)
    if args.json:
        out = _summary(d) | {
            "language": text.language,
            "instructions": text.instructions,
            "form_items": dict(text.items),
            "demonstration_wording": text.demonstration,
            "notice": text.notice,
            "key_source": d.key_source,
            "key_unverified": d.key_unverified,
        }
        print(json.dumps(out, indent=2))
        return 0
    print(f"{d.name} ({d.abbreviation}) - {d.reference}")
    if text.notice:
        print(f"\n*** {text.notice} ***")
    print(f"\n{text.instructions}")
    if d.scale.kind == "vas":
        print(f"Each line: 0 = {text.low_anchor} ... 10 = {text.high_anchor}")
    else:
        print(f"Answers: {d.scale.describe()}")
    for item_id, item_text in text.items:
        print(f"  {item_id:>2}. {item_text}")
    print(f"\nKey: {d.key_source}")
    if d.key_unverified:
        print(f"Unverified: {d.key_unverified}")
    return 0


def _install_wording(args: argparse.Namespace) -> int:
    target = install_wording(args.file)
    print(f"installed {args.file} as {target}")
    return 0


def _score(args: argparse.Namespace) -> int:
    cutoffs = dict(_cutoff(text) for text in args.cutoff)
    if args.file is not None:
        try:
            raw = args.file.read_bytes()
        except OSError as exc:
            raise _Usage(f"cannot read {args.file}: {exc.strerror}") from None
    else:
        raw = sys.stdin.buffer.read()
    instrument = args.instrument.strip().lower()
    result = score(instrument, parse_answers(raw), cutoffs=cutoffs or None)
    print(json.dumps(result.as_dict()))
    return 0


def _analyze(args: argparse.Namespace) -> int:
    # Imported here: numpy and statsmodels are only needed by this command.
    from alliance.analytics.analyze import analyze_file, build_reference
    from alliance.analytics.cross_fit import load_reference, save_reference
    from alliance.analytics.long_format import InputError, Note
    from alliance.analytics.report import JsonReport, TableReport
    from alliance.monitoring import MonitoringConfig
    from alliance.monitoring.trajectory import TrajectoryError

    if not args.file.is_file():
        raise _Usage(f"no such file: {args.file}")
    if args.cutoff:
        try:
            set_site_cutoffs(parse_cutoff_overrides(args.cutoff))
        except DefinitionError as exc:
            raise _Usage(str(exc)) from None
    config = MonitoringConfig.lenient() if args.lenient else MonitoringConfig()
    report = JsonReport(sys.stdout, config) if args.format == "json" else TableReport(sys.stdout)
    show_progress = sys.stderr.isatty()

    def progress(rows: int, clients: int) -> None:
        if clients % 100 == 0:
            print(f"\ranalyzing: {rows:,} rows, {clients:,} clients", end="", file=sys.stderr)

    def say(kind: str, found: InputError | Note) -> None:
        # One line each, whatever the message holds, so scripts can read them.
        clear = "\r\033[K" if show_progress else ""  # over the progress line
        print(f"{clear}alliance: {kind}: {' '.join(str(found).split())}", file=sys.stderr)

    try:
        reference = load_reference(args.reference) if args.reference else None
        if reference is None and args.save_reference:
            reference = build_reference(args.file, config, strict=args.strict)
        if args.save_reference and reference is not None:
            save_reference(reference, args.save_reference)
        analysis = analyze_file(
            args.file,
            config=config,
            reference=reference,
            strict=args.strict,
            renderer=report,
            on_problem=lambda problem: say("left out", problem),
            on_note=lambda note: say("note", note),
            progress=progress if show_progress else None,
        )
    except (InputError, TrajectoryError) as exc:
        if show_progress:
            print(file=sys.stderr)
        stopped = " (--strict: stopped at the first problem)" if args.strict else ""
        raise _Usage(f"{args.file}: {exc}{stopped}") from None
    except UnicodeDecodeError:
        raise _Usage(f"{args.file}: not UTF-8 text") from None
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise _Usage(f"{exc.filename or args.file}: {exc.strerror or exc}") from None
    if show_progress:
        print(file=sys.stderr)
    report.finish(analysis)
    # Exit 2 when anything was left out: the output is complete, but not all of the file.
    return EXIT_BAD_INPUT if analysis.problems else 0


def _cutoff(text: str) -> tuple[str, float]:
    name, sep, value = text.partition("=")
    try:
        if not sep:
            raise ValueError
        return name.strip(), float(value)
    except ValueError:
        raise _Usage(
            f"--cutoff {text!r}: expected NAME=NUMBER, e.g. alliance_concern=35.9"
        ) from None


if __name__ == "__main__":
    sys.exit(main())
