"""What every command shares: options from flags and environment, progress, output, errors.

The library never prints or exits; this module is where errors become a message, a hint and
an exit code, and where the environment is read (once, here, and passed down).
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO, TypeVar

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    ProgressColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)

from hullguard.errors import BadInputError, ConfigError, HullguardError

if TYPE_CHECKING:
    # The layer pass and image sources are imported by the functions that need them, so a
    # command that never reads an image (verify, lint, audit) starts without them.
    from hullguard.analyze import LayerCache
    from hullguard.image import Limits, SourceOptions

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_ERROR",
    "Amounts",
    "BarProgress",
    "cache_dir",
    "fail",
    "layer_cache",
    "limits_from_env",
    "output_stream",
    "run_command",
    "source_options",
    "stderr",
]

EXIT_BAD_INPUT = 2
"""Malformed or hostile input, or a usage error."""
EXIT_ERROR = 3
"""The work could not be done (engine or registry unreachable, permission denied)."""

stderr = Console(stderr=True, highlight=False)

T = TypeVar("T")


def fail(error: HullguardError) -> NoReturn:
    """Print one line (and a hint) for a library error and exit with its code."""
    stderr.print(f"[bold red]error:[/] {error.message}", markup=True, soft_wrap=True)
    if error.hint:
        stderr.print(f"[yellow]hint:[/] {error.hint}", markup=True, soft_wrap=True)
    code = EXIT_BAD_INPUT if isinstance(error, BadInputError | ConfigError) else EXIT_ERROR
    raise typer.Exit(code)


def run_command(work: Callable[[], T]) -> T:
    """Run a command body, turning library errors into exit codes without a traceback."""
    try:
        return work()
    except HullguardError as exc:
        fail(exc)
    except KeyboardInterrupt:
        stderr.print("interrupted")
        raise typer.Exit(130) from None


def cache_dir() -> Path:
    """``HULLGUARD_CACHE_DIR``, else ``$XDG_CACHE_HOME/hullguard``, else ``~/.cache/hullguard``."""
    explicit = os.environ.get("HULLGUARD_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hullguard"


def layer_cache(*, enabled: bool) -> LayerCache:
    """The on-disk layer cache, or none with ``--no-cache``."""
    from hullguard.analyze import DirectoryLayerCache, NoLayerCache  # noqa: PLC0415

    return DirectoryLayerCache(cache_dir()) if enabled else NoLayerCache()


_LIMIT_VARIABLES = {
    "HULLGUARD_MAX_LAYER_BYTES": "max_layer_bytes",
    "HULLGUARD_MAX_RATIO": "max_ratio",
    "HULLGUARD_RATIO_FLOOR_BYTES": "ratio_floor",
    "HULLGUARD_MAX_FILE_BYTES": "max_file_bytes",
    "HULLGUARD_MAX_HEADER_BYTES": "max_header_bytes",
}


def limits_from_env() -> Limits:
    """The default :class:`Limits`, each overridable by a ``HULLGUARD_MAX_*`` variable."""
    values: dict[str, int] = {}
    for variable, name in _LIMIT_VARIABLES.items():
        raw = os.environ.get(variable)
        if raw is None:
            continue
        try:
            values[name] = int(raw)
        except ValueError:
            raise ConfigError(f"{variable}={raw!r} is not a whole number of bytes") from None
    from hullguard.image import Limits  # noqa: PLC0415

    return Limits(**values)


def source_options(*, platform: str | None, image: str | None, insecure: bool) -> SourceOptions:
    """Source options from flags and the usual Docker environment variables."""
    docker_config = Path(os.environ.get("DOCKER_CONFIG") or Path.home() / ".docker") / "config.json"
    limits = limits_from_env()
    podman = os.environ.get("CONTAINER_HOST")
    if not podman:
        runtime = os.environ.get("XDG_RUNTIME_DIR")
        user_sock = Path(runtime, "podman", "podman.sock") if runtime else None
        podman = (
            f"unix://{user_sock}" if user_sock and user_sock.exists() else "unix:///run/podman/podman.sock"
        )
    from hullguard.image import SourceOptions  # noqa: PLC0415

    return SourceOptions(
        platform=platform,
        image=image,
        limits=limits,
        docker_host=os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock",
        podman_host=podman,
        docker_config=docker_config,
        allow_insecure_registry=insecure,
    )


class Amounts(StrEnum):
    """What a bar counts: bytes (layers, downloads) or items (advisory records)."""

    BYTES = "bytes"
    ITEMS = "items"


def _amount_columns(amounts: Amounts) -> tuple[ProgressColumn, ...]:
    if amounts is Amounts.BYTES:
        return (DownloadColumn(), TransferSpeedColumn())
    return (TextColumn("{task.completed:,.0f}"),)


class BarProgress:
    """Rich progress bars on stderr; silent when stderr is not a terminal (or with ``--quiet``)."""

    def __init__(self, *, enabled: bool, amounts: Amounts = Amounts.BYTES) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            *_amount_columns(amounts),
            TimeElapsedColumn(),
            console=stderr,
            transient=True,
            disable=not enabled,
        )
        self._task: TaskID | None = None

    def __enter__(self) -> BarProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def begin(self, description: str, total: int | None) -> None:
        """Start a bar (one layer, one download)."""
        self._task = self._progress.add_task(description, total=total)

    def advance(self, amount: int) -> None:
        """Move the current bar."""
        if self._task is not None:
            self._progress.advance(self._task, amount)

    def end(self) -> None:
        """Drop the finished bar."""
        if self._task is not None:
            self._progress.remove_task(self._task)
            self._task = None

    def items(self, done: int, total: int | None) -> None:
        """A ``(done, total)`` callback (record imports); starts a bar on first use."""
        if self._task is None:
            self.begin("import", total)
        if self._task is not None:
            self._progress.update(self._task, completed=done, total=total)


def show_progress(quiet: bool) -> bool:
    """Bars only for people: a terminal on stderr, not ``--quiet``, not CI logs."""
    return not quiet and sys.stderr.isatty()


@contextmanager
def output_stream(path: Path | None) -> Iterator[TextIO]:
    """stdout, or a file written atomically: on any error the target is left untouched.

    The temporary file is created with ``open(..., "x")`` so it gets the user's umask, as the
    final file should (``mkstemp`` would make it private).
    """
    if path is None:
        yield sys.stdout
        return
    if path.exists() and not path.is_file():
        # /dev/null, /dev/stdout, a FIFO: write through. Renaming a file over them would replace
        # the device node itself (a regular /dev/null breaks every program on the machine).
        with path.open("w", encoding="utf-8") as out:
            yield out
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with tmp.open("x", encoding="utf-8") as out:
            yield out
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
