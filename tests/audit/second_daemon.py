"""A second, throw-away dockerd for daemon-level tests, beside the engine the other tests use.

It runs in a network namespace of its own (``unshare --net``): its bridge and iptables rules
then live there and never touch the main daemon's docker0 or NAT rules (a second dockerd in the
host namespace rewrites the shared DOCKER chains). The unix socket is a file, so it is reachable
from the host namespace. Everything it owns (socket, data root, exec root, pid file, config)
sits in one short temp directory, removed after the daemon has stopped and unmounted.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["SecondDaemon", "can_start"]

_READY_SECONDS = 60.0
_STOP_SECONDS = 30.0


def can_start() -> bool:
    """dockerd and unshare exist and we are root (both need it)."""
    return os.geteuid() == 0 and all(shutil.which(tool) for tool in ("dockerd", "unshare", "ip", "docker"))


@dataclass
class SecondDaemon:
    """One dockerd with the given ``daemon.json``; use as a context manager."""

    config: Mapping[str, object]
    extra_args: str = ""
    """More dockerd flags (``-H tcp://...``), appended to the command line."""
    directory: Path | None = None
    process: subprocess.Popen[bytes] | None = None

    @property
    def socket(self) -> str:
        assert self.directory is not None
        return f"unix://{self.directory}/docker.sock"

    @property
    def config_file(self) -> Path:
        assert self.directory is not None
        return self.directory / "daemon.json"

    def docker(self, *args: str) -> str:
        """Run the docker CLI against this daemon."""
        done = subprocess.run(
            ["docker", "-H", self.socket, *args], capture_output=True, text=True, check=False, timeout=120
        )
        if done.returncode != 0:
            raise AssertionError(f"docker {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout.strip()

    def start(self) -> None:
        """Start dockerd (loopback up in its namespace, for swarm); returns at once."""
        self.directory = Path(tempfile.mkdtemp(prefix="hgd-", dir="/tmp"))  # short: socket paths max 108
        self.config_file.write_text(json.dumps(self.config))
        d = self.directory
        command = (
            f"ip link set lo up && exec dockerd --config-file {d}/daemon.json -H unix://{d}/docker.sock "
            f"--data-root {d}/data --exec-root {d}/exec --pidfile {d}/docker.pid {self.extra_args}"
        )
        log = (d / "dockerd.log").open("wb")
        self.process = subprocess.Popen(
            ["unshare", "--net", "sh", "-c", command],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self) -> None:
        """Poll ``docker version`` until the daemon answers (bounded)."""
        assert self.process is not None and self.directory is not None
        deadline = time.monotonic() + _READY_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = (self.directory / "dockerd.log").read_text(errors="replace")[-2000:]
                raise AssertionError(f"second dockerd exited with {self.process.returncode}: {log}")
            probe = subprocess.run(["docker", "-H", self.socket, "version"], capture_output=True, check=False)
            if probe.returncode == 0:
                return
            time.sleep(0.2)
        raise AssertionError("second dockerd did not answer within 60 s")

    def stop(self) -> None:
        """SIGTERM the daemon, wait for it, unmount leftovers, remove its directory."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(_STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(_STOP_SECONDS)
        if self.directory is None:
            return
        prefix = str(self.directory) + "/"
        mounts = [line.split()[4] for line in Path("/proc/self/mountinfo").read_text().splitlines()]
        for point in sorted((m for m in mounts if m.startswith(prefix)), key=len, reverse=True):
            subprocess.run(["umount", "-l", point], capture_output=True, check=False)
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> SecondDaemon:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
