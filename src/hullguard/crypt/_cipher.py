"""AES-256-CTR with HMAC-SHA256 over the ciphertext: ocicrypt's layer cipher (interop doc B3).

The 16-byte nonce is the initial counter block, incremented as one big-endian 128-bit number
(``modes.CTR`` does exactly that); the HMAC is keyed with the same 32-byte key and covers the
ciphertext only. There is no header and no padding.

Throughput: the AES and the hashes run on different threads over 4 MiB chunks. OpenSSL's AES
and ``hashlib``'s SHA-256/HMAC release the GIL for large buffers, so on two cores the copy
costs about one pass of the slowest hash, not the sum of all of them (bench/bench_crypt.py).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from cryptography.hazmat.primitives.ciphers import Cipher, CipherContext, algorithms, modes

from hullguard.crypt._errors import DecryptionError
from hullguard.image._decompress import BackgroundPipe
from hullguard.image._entry import Readable

__all__ = [
    "CHUNK",
    "DecryptingReader",
    "LayerKey",
    "StreamResult",
    "Writable",
    "decrypt_stream",
    "encrypt_stream",
]

CHUNK = 4 << 20
_DEPTH = 4
"""Chunks in flight per worker: bounds memory to a few tens of MiB per layer."""


@dataclass(frozen=True, slots=True)
class LayerKey:
    """The per-layer secret: a fresh 32-byte key and 16-byte initial counter."""

    symkey: bytes
    nonce: bytes

    @classmethod
    def generate(cls) -> LayerKey:
        """New random key material from the OS CSPRNG (never reused across layers)."""
        return cls(os.urandom(32), os.urandom(16))

    def __repr__(self) -> str:
        return "LayerKey(<secret>)"

    def cipher(self) -> Cipher[modes.CTR]:
        """The AES-256-CTR cipher for this key."""
        return Cipher(algorithms.AES256(self.symkey), modes.CTR(self.nonce))


@dataclass(frozen=True, slots=True)
class StreamResult:
    """What one pass learned about its input and output."""

    hmac: bytes
    """HMAC-SHA256 of the ciphertext."""
    in_size: int
    out_digest: str
    out_size: int
    in_digest: str | None = None
    """sha256 of the input, when the caller asked for it (inputs without a known digest)."""


class Writable(Protocol):
    """Where a pass writes its output (a file, a socket, a counter)."""

    def write(self, data: bytes, /) -> object:
        """Take all of ``data``."""
        ...


class _Worker:
    """Applies ``consume`` to chunks in order on its own thread, behind a bounded queue."""

    def __init__(self, consume: Callable[[bytes], object], name: str) -> None:
        self._consume = consume
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=_DEPTH)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (chunk := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._consume(chunk)
                except BaseException as exc:  # raised again in the caller's thread
                    self._error = exc

    def put(self, chunk: bytes) -> None:
        """Queue a chunk; raises the worker's failure as soon as it is known."""
        if self._error is not None:
            raise self._error
        self._queue.put(chunk)

    def finish(self) -> None:
        """Wait for every queued chunk; raise the worker's failure if any."""
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error

    def stop(self) -> None:
        """Abandon the work (after a failure elsewhere); drains the queue so the thread ends."""
        self._error = self._error or RuntimeError("stopped")
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        self._queue.put(None)
        self._thread.join(timeout=10)


def _run(
    src: Readable,
    transform: CipherContext,
    *,
    mac_input: bool,
    out: Writable,
    key: LayerKey,
    hash_input: bool,
    on_read: Callable[[int], None] | None,
) -> StreamResult:
    """One pass: read, transform, MAC (the input or the output: always the ciphertext), write.

    Five threads: reading (with the source's own digest check), AES here, and one each for
    the HMAC, the output digest and the write; 4 MiB chunks make the hand-offs negligible.
    """
    mac = hmac.new(key.symkey, digestmod=hashlib.sha256)
    out_hash = hashlib.sha256()
    in_hash = hashlib.sha256() if hash_input else None
    mac_worker = _Worker(mac.update, "crypt-hmac")
    hash_worker = _Worker(out_hash.update, "crypt-digest")
    write_worker = _Worker(out.write, "crypt-write")
    in_worker = _Worker(in_hash.update, "crypt-hash") if in_hash is not None else None
    workers = [w for w in (mac_worker, hash_worker, write_worker, in_worker) if w is not None]
    # Reading runs ahead on its own thread, so the source's own checks (a digest) overlap the AES.
    reader = BackgroundPipe(lambda: src.read(CHUNK), depth=_DEPTH, name="crypt-read")
    size = 0
    try:
        while chunk := reader.get():
            size += len(chunk)
            if in_worker is not None:
                in_worker.put(chunk)
            if mac_input:
                mac_worker.put(chunk)
            transformed = transform.update(chunk)
            if not mac_input:
                mac_worker.put(transformed)
            hash_worker.put(transformed)
            write_worker.put(transformed)
            if on_read is not None:
                on_read(len(chunk))
        transform.finalize()  # CTR keeps no tail
        for worker in workers:
            worker.finish()
    except BaseException:
        for worker in workers:
            worker.stop()
        raise
    finally:
        reader.close()
    return StreamResult(
        hmac=mac.digest(),
        in_size=size,
        out_digest="sha256:" + out_hash.hexdigest(),
        out_size=size,
        in_digest=None if in_hash is None else "sha256:" + in_hash.hexdigest(),
    )


def encrypt_stream(
    src: Readable,
    out: Writable,
    key: LayerKey,
    *,
    hash_input: bool = False,
    on_read: Callable[[int], None] | None = None,
) -> StreamResult:
    """Encrypt ``src`` into ``out``; the result carries the HMAC and the ciphertext's digest."""
    return _run(
        src,
        key.cipher().encryptor(),
        mac_input=False,
        out=out,
        key=key,
        hash_input=hash_input,
        on_read=on_read,
    )


def decrypt_stream(
    src: Readable,
    out: Writable,
    key: LayerKey,
    expected_hmac: bytes,
    *,
    where: str,
    on_read: Callable[[int], None] | None = None,
) -> StreamResult:
    """Decrypt ``src`` into ``out`` and check the HMAC at the end.

    ``out`` must be private to the caller (a temporary file), because it holds plaintext
    before the check: on :class:`DecryptionError` the caller discards it unread.
    """
    result = _run(
        src,
        key.cipher().decryptor(),
        mac_input=True,
        out=out,
        key=key,
        hash_input=False,
        on_read=on_read,
    )
    check_hmac(result.hmac, expected_hmac, where=where)
    return result


def check_hmac(actual: bytes, expected: bytes, *, where: str) -> None:
    """Constant-time comparison; a mismatch means altered, truncated or foreign ciphertext."""
    if not hmac.compare_digest(actual, expected):
        raise DecryptionError(
            f"{where}: the ciphertext fails its HMAC check (truncated, altered, or not this layer's)",
            hint="the encrypted blob is damaged or was tampered with; nothing was written",
        )


class DecryptingReader:
    """Decrypts a layer as it is read; the read that reaches the end checks the HMAC.

    For the scan's single streaming pass: plaintext reaches the analyzers before the check,
    which is acceptable only because nothing is written and the scan fails (discarding every
    finding) when the check fails. ``drain`` reads to the end so the check always runs.
    """

    def __init__(self, raw: Readable, key: LayerKey, expected_hmac: bytes, *, where: str) -> None:
        self._raw = raw
        self._decryptor = key.cipher().decryptor()
        self._mac = hmac.new(key.symkey, digestmod=hashlib.sha256)
        self._expected = expected_hmac
        self._where = where
        self._checked = False

    def readable(self) -> bool:
        """A readable stream."""
        return True

    def read(self, n: int = -1, /) -> bytes:
        """Up to ``n`` plaintext bytes; at the end the HMAC is checked (and raises on mismatch)."""
        data = self._raw.read(n)
        if not data:
            if not self._checked:
                check_hmac(self._mac.digest(), self._expected, where=self._where)
                self._checked = True
            return b""
        self._mac.update(data)
        return self._decryptor.update(data)

    def drain(self) -> None:
        """Read what is left so the HMAC (and the source's digest) are checked."""
        while self.read(CHUNK):
            pass
        drain = getattr(self._raw, "drain", None)
        if callable(drain):
            drain()

    @property
    def verified(self) -> bool:
        """True once the end was reached and the HMAC matched."""
        return self._checked

    def close(self) -> None:
        """Close the underlying stream."""
        close = getattr(self._raw, "close", None)
        if callable(close):
            close()
