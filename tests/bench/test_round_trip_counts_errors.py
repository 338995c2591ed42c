"""The web benchmark's round trip counts what goes wrong with a submission (an HTTP error, a
form page without a form, a reply without the thanks, a timeout, a refused connection)
instead of stopping at the first, and times only the acknowledged ones.

A small HTTP server in a thread stands in for `alliance serve`: each link's token says how
it answers.
"""

from __future__ import annotations

import importlib.util
import socket
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_web.py"
FORM = b'<form method="post"><input name="csrfmiddlewaretoken" value="t0ken"></form>'


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_web", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_web"] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


bench = load_bench()


class StandIn(BaseHTTPRequestHandler):
    """/f/<how>/: `ok` thanks, `refused` answers 500, `formless` has no form, `unthanked`
    answers 200 without the thanks, `slow` replies after the client gave up."""

    def do_GET(self) -> None:
        self.reply(200, b"<p>nothing to fill</p>" if "formless" in self.path else FORM)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        if "refused" in self.path:
            self.reply(500, b"Server Error")
        elif "slow" in self.path:
            time.sleep(2)
            self.reply(200, b"Thank you")
        else:
            self.reply(200, b"Thank you" if "ok" in self.path else b"<p>Please try again</p>")

    def reply(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the slow link's client has gone when it replies: expected here


@pytest.fixture
def base(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setattr(bench, "REQUEST_SECONDS", 0.5)
    server = QuietServer(("127.0.0.1", 0), StandIn)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.mark.parametrize(
    ("token", "outcome"),
    [("refused", "HTTP 500"), ("formless", "no form on the link page"),
     ("unthanked", "not acknowledged"), ("slow", "timeout")],
)  # fmt: skip
def test_it_says_what_went_wrong(base: str, token: str, outcome: str) -> None:
    assert bench._submit(base, token) == outcome


def test_it_counts_a_refused_connection() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound, not listening: nothing answers there
        outcome = bench._submit(f"http://127.0.0.1:{port}", "ok")
    assert outcome == "connection: ConnectionRefusedError"


def test_it_goes_on_after_errors_and_times_only_the_thanked(base: str) -> None:
    trips = bench.Trips()
    tokens = [["ok", "refused", "ok"], ["unthanked", "ok", "refused"]]
    bench._at_once(2, 3, lambda k, i: trips.add(bench._submit(base, tokens[k][i])))
    assert trips.acknowledged == 3
    assert trips.errors == {"HTTP 500": 2, "not acknowledged": 1}
