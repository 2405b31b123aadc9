"""Build the real test and demo images from real Debian, PyPI and npm packages.

Steps (each cached under ``--out``, keyed by ``RECIPE``):
1. a Debian bookworm rootfs with debootstrap (minbase + python3-six, python3-yaml);
2. real wheels from PyPI (``pip install --target``) and real npm packages (``npm install``);
3. an OCI layout with gzip layers written here (``sample-oci-gzip``), including a file that a
   later layer deletes (whiteout) - no engine needed, so ``make demo`` works without dockerd;
4. with a Docker engine: ``docker load`` of that image, a ``docker build`` on top that deletes
   packages with ``RUN rm`` (real overlay2 whiteouts), ``docker save`` (``sample.tar``), and
   skopeo conversions to OCI gzip and zstd layouts (``final-oci-gzip``, ``final-oci-zstd``).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

RECIPE = "4"
PIP_PACKAGES = [
    "requests==2.25.0",
    "urllib3==1.26.4",
    "flask==1.0",
    "jinja2==2.11.2",
    "pyjwt==1.7.1",
    "certifi==2020.12.5",
    "idna==2.10",
    "chardet==4.0.0",
]
NPM_PACKAGES = ["express@4.17.1", "lodash@4.17.20", "ms@2.1.3"]
DEBOOTSTRAP_INCLUDE = "python3-six,python3-yaml"
BASE_TAG = "hullguard-test/sample-base:1"
FINAL_TAG = "hullguard-test/sample:1"
DOCKERFILE = """FROM hullguard-test/sample-base:1
RUN cd /usr/local/lib/python3.11/dist-packages && rm -rf PyJWT-1.7.1.dist-info jwt
RUN mkdir -p /opt/tool && echo 'Metadata-Version: 2.1' > /opt/tool/README
USER 1000:1000
CMD ["python3", "-c", "print('hello')"]
"""


def _run(*cmd: str, cwd: Path | None = None) -> None:
    subprocess.run(cmd, check=True, cwd=cwd, stdout=subprocess.DEVNULL)


def _rootfs(out: Path) -> Path:
    root = out / "rootfs"
    if not (root / "etc" / "os-release").exists():
        shutil.rmtree(root, ignore_errors=True)
        _run("debootstrap", "--variant=minbase", f"--include={DEBOOTSTRAP_INCLUDE}", "bookworm", str(root))
    return root


def _packages(out: Path) -> tuple[Path, Path]:
    site = out / "pip-site"
    app = out / "npm-app"
    if not site.exists():
        tmp = out / "pip-site.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        _run(
            "python3",
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--only-binary=:all:",
            "--target",
            str(tmp),
            *PIP_PACKAGES,
        )
        shutil.rmtree(tmp / "bin", ignore_errors=True)
        tmp.rename(site)
    if not (app / "package-lock.json").exists():
        app.mkdir(parents=True, exist_ok=True)
        (app / "package.json").write_text(
            json.dumps({"name": "sample-app", "version": "1.0.0", "private": True})
        )
        _run("npm", "install", "--no-audit", "--no-fund", "--silent", *NPM_PACKAGES, cwd=app)
    return site, app


def _layer(entries: list[tuple[str, Path | bytes | None]]) -> bytes:
    """A deterministic uncompressed tar: (path in image, source dir/file, bytes, or None=dir)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:

        def norm(info: tarfile.TarInfo) -> tarfile.TarInfo:
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            info.mtime = 1700000000
            return info

        for name, src in entries:
            if isinstance(src, Path):
                tar.add(src, arcname=name, filter=norm)
            elif isinstance(src, bytes):
                info = norm(tarfile.TarInfo(name))
                info.size = len(src)
                info.mode = 0o600
                tar.addfile(info, io.BytesIO(src))
            else:
                info = norm(tarfile.TarInfo(name))
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                tar.addfile(info)
    return buf.getvalue()


def _blob(layout: Path, data: bytes) -> tuple[str, int]:
    digest = hashlib.sha256(data).hexdigest()
    (layout / "blobs" / "sha256" / digest).write_bytes(data)
    return f"sha256:{digest}", len(data)


def build_oci(out: Path) -> Path:
    """Write ``sample-oci-gzip``: base rootfs, pip layer, npm layer, secret file, its whiteout."""
    layout = out / "sample-oci-gzip"
    if (layout / "index.json").exists():
        return layout
    root = _rootfs(out)
    site, app = _packages(out)
    tmp = Path(tempfile.mkdtemp(dir=out))
    (tmp / "blobs" / "sha256").mkdir(parents=True)
    layers = [
        ("debootstrap bookworm minbase", _layer([(".", root)])),
        ("pip install --target dist-packages", _layer([("usr/local/lib/python3.11/dist-packages", site)])),
        ("npm install", _layer([("srv/app", app)])),
        (
            "COPY npmrc /root/.npmrc",
            _layer(
                [
                    ("root", None),
                    (
                        "root/.npmrc",
                        b"//registry.example/:_authToken=npm_0000000000000000000000000000000000aa\n",
                    ),
                ]
            ),
        ),
        ("RUN rm /root/.npmrc", _layer([("root", None), ("root/.wh..npmrc", b"")])),
    ]
    descriptors, diff_ids, history = [], [], []
    for step, tar in layers:
        diff_ids.append("sha256:" + hashlib.sha256(tar).hexdigest())
        digest, size = _blob(tmp, gzip.compress(tar, compresslevel=6, mtime=0))
        descriptors.append(
            {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": digest, "size": size}
        )
        history.append({"created": "2024-01-01T00:00:00Z", "created_by": step})
    config = {
        "architecture": "amd64",
        "os": "linux",
        "created": "2024-01-01T00:00:00Z",
        "config": {
            "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
            "Cmd": ["/bin/bash"],
            "Labels": {"org.opencontainers.image.title": "hullguard sample"},
        },
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": history,
    }
    cdigest, csize = _blob(tmp, json.dumps(config).encode())
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cdigest, "size": csize},
        "layers": descriptors,
    }
    mdigest, msize = _blob(tmp, json.dumps(manifest).encode())
    index = {
        "schemaVersion": 2,
        "manifests": [
            {
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "digest": mdigest,
                "size": msize,
                "annotations": {"org.opencontainers.image.ref.name": "sample"},
            }
        ],
    }
    (tmp / "index.json").write_text(json.dumps(index))
    (tmp / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')
    tmp.rename(layout)
    return layout


def _engine_image_id(tag: str) -> str:
    inspect = subprocess.run(
        ["docker", "image", "inspect", "-f", "{{.Id}}", tag], capture_output=True, text=True, check=False
    )
    return inspect.stdout.strip() if inspect.returncode == 0 else ""


def _archive_image_id(archive: Path) -> str:
    with tarfile.open(archive) as tar:
        member = tar.extractfile("manifest.json")
        manifest = json.loads(member.read()) if member else [{}]
    return "sha256:" + str(manifest[0].get("Config", "")).rpartition("/")[2].removesuffix(".json")


def build_engine_images(out: Path) -> None:
    """docker load + docker build + docker save, then skopeo conversions (needs dockerd)."""
    oci = build_oci(out)
    archive = out / "sample.tar"
    if archive.exists() and (out / "final-oci-zstd" / "index.json").exists():
        if _engine_image_id(FINAL_TAG) != _archive_image_id(archive):
            _run("docker", "load", "-q", "-i", str(archive))  # absent, or another build under the tag
        return
    base_archive = out / "sample-base.tar"
    base_archive.unlink(missing_ok=True)
    _run("skopeo", "copy", "-q", f"oci:{oci}:sample", f"docker-archive:{base_archive}:{BASE_TAG}")
    _run("docker", "load", "-q", "-i", str(base_archive))
    ctx = Path(tempfile.mkdtemp(dir=out))
    (ctx / "Dockerfile").write_text(DOCKERFILE)
    _run("docker", "build", "-q", "-t", FINAL_TAG, str(ctx))
    shutil.rmtree(ctx)
    _run("docker", "save", "-o", str(archive), FINAL_TAG)
    for name, extra in (("final-oci-gzip", []), ("final-oci-zstd", ["--dest-compress-format", "zstd"])):
        shutil.rmtree(out / name, ignore_errors=True)
        _run("skopeo", "copy", "-q", *extra, f"docker-archive:{archive}", f"oci:{out / name}:final")


def load_into_podman(out: Path) -> bool:
    """Load the final image into Podman's store when a Podman service answers; True if present."""
    if shutil.which("podman") is None:
        return False
    inspect = subprocess.run(
        ["podman", "image", "inspect", "-f", "{{.Id}}", FINAL_TAG],
        capture_output=True,
        text=True,
        check=False,
    )
    if inspect.returncode == 0 and "sha256:" + inspect.stdout.strip() == _archive_image_id(
        out / "sample.tar"
    ):
        return True
    return (
        subprocess.run(
            ["podman", "load", "-q", "-i", str(out / "sample.tar")], check=False, stdout=subprocess.DEVNULL
        ).returncode
        == 0
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--only", choices=["oci", "all"], default="all")
    args = parser.parse_args()
    out: Path = args.out / f"recipe-{RECIPE}"
    out.mkdir(parents=True, exist_ok=True)
    if args.only == "oci":
        build_oci(out)
    else:
        build_engine_images(out)
        load_into_podman(out)
    print(out)


if __name__ == "__main__":
    main()
