"""Fixtures: the Rust `ring_writer` helper process, unique cleaned-up segment names, and the
`paradex-mock` process class every suite that talks to the mock uses."""

from __future__ import annotations

import itertools
import json
import os
import ssl
import subprocess
import urllib.request
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
_counter = itertools.count()


def cargo_executable(package: str, binary: str, release: bool = True) -> str:
    """Builds (if needed) and locates a workspace binary through cargo itself, so
    `CARGO_TARGET_DIR` and profiles are honoured."""
    command = ["cargo", "build", "-p", package, "--bin", binary, "--message-format=json"]
    out = subprocess.run(command + (["--release"] if release else []), cwd=REPO, check=True,
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg.get("executable") and \
                msg["target"]["name"] == binary:
            return msg["executable"]
    raise RuntimeError(f"cargo did not report the {binary} executable")


@pytest.fixture(scope="session")
def writer_bin() -> str:
    """The Rust `ring_writer` helper process."""
    return cargo_executable("paradex-tests", "ring_writer")


@pytest.fixture
def ring_dir(tmp_path: Path) -> Path:
    """A private directory for segments (removed by pytest's tmp_path cleanup)."""
    return tmp_path


@pytest.fixture
def ring_name() -> str:
    return f"paradex.pytest.{os.getpid()}.{next(_counter)}"


class WriterProcess:
    """A running `ring_writer`; killed and reaped on exit even if the test fails."""

    def __init__(self, binary: str, directory: Path, name: str, *args: str):
        self.path = directory / name
        self.proc = subprocess.Popen(
            [binary, "--dir", str(directory), "--name", name, *args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        line = self.proc.stdout.readline()
        if not line.startswith("ready "):
            self.close()
            raise RuntimeError(f"writer did not start: {line!r}")

    def go(self) -> None:
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()

    def wait_published(self, timeout: float = 20.0) -> int:
        line = self.proc.stdout.readline()
        if not line.startswith("published "):
            raise RuntimeError(f"writer did not finish: {line!r}")
        return int(line.split()[1])

    def wait_exit(self, timeout: float = 20.0) -> int:
        return self.proc.wait(timeout)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream:
                stream.close()

    def __enter__(self) -> "WriterProcess":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@pytest.fixture
def spawn(writer_bin, ring_dir, ring_name):
    """`spawn(*args)` starts a writer on this test's segment; all are stopped at teardown."""
    started = []

    def start(*args: str, name: str = ring_name) -> WriterProcess:
        writer = WriterProcess(writer_bin, ring_dir, name, *args)
        started.append(writer)
        return writer

    yield start
    for writer in started:
        writer.close()


class MockExchange:
    """A running `paradex-mock` process; stopped (SIGTERM, then SIGKILL) by `stop()`."""

    def __init__(self, binary: str, *args: str):
        self.args = args
        self._proc = subprocess.Popen([binary, *args], stdout=subprocess.PIPE,
                                      stderr=subprocess.DEVNULL, text=True)
        banner = self._proc.stdout.readline().split()
        if banner[:2] != ["paradex-mock", "listening"]:
            self.stop()
            raise RuntimeError(f"paradex-mock did not start: {' '.join(banner)!r}")
        fields = dict(word.split("=", 1) for word in banner[2:])
        self.base_url: str = fields["http"]
        self.http_url: str = f"{self.base_url}/v1"
        self.ws_url: str = fields["ws"]
        self.admin_url: str = fields["admin"]
        self.ca_file: str | None = fields.get("ca")
        self._tls = ssl.create_default_context(cafile=self.ca_file) if self.ca_file else None

    @property
    def pid(self) -> int:
        return self._proc.pid

    def request(self, method: str, url: str, body: Any = None) -> Any:
        """One JSON request to the mock (REST or admin); returns the decoded body or None."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10, context=self._tls) as resp:
            raw = resp.read()
        return json.loads(raw) if raw else None

    def rest(self, path: str) -> Any:
        """`GET /v1<path>` (public endpoints), e.g. `rest("/bbo/BTC-USD-PERP")`."""
        return self.request("GET", f"{self.http_url}{path}")

    def fault(self, spec: dict | list[dict]) -> list[int]:
        """Installs fault(s) (`{"kind": "ws_drop", "after": 100}`, ...); returns their ids."""
        return self.request("POST", f"{self.admin_url}/faults", spec)["ids"]

    def clear_faults(self) -> None:
        self.request("DELETE", f"{self.admin_url}/faults")

    def restart(self, down_ms: int = 0) -> None:
        """Drops every connection and serves again on the same port after `down_ms`."""
        self.request("POST", f"{self.admin_url}/restart", {"down_ms": down_ms})

    def account_of(self, public_key: str) -> str:
        """The account address the exchange derives for a STARK public key."""
        return self.rest(f"/onboarding?account_signer_type=starknet&public_key={public_key}")[
            "address"]

    def stop(self) -> None:
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(10)
        if self._proc.stdout:
            self._proc.stdout.close()
