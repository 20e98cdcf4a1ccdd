"""Fixtures: the Rust `ring_writer` helper process and unique, cleaned-up segment names."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
from pathlib import Path

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
