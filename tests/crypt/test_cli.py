"""``hullguard encrypt``/``decrypt`` from the command line: results, exit codes, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from hullguard.cli import app
from tests.crypt.conftest import Keys
from tests.crypt.images import Layout, read_manifest

runner = CliRunner()


def test_encrypt_then_decrypt(tmp_path: Path, keys: Keys, small_layout: Layout) -> None:
    enc, dec = tmp_path / "enc", tmp_path / "dec"
    done = runner.invoke(
        app,
        [
            "encrypt",
            small_layout.ref,
            f"oci-layout:{enc}:e",
            "-r",
            f"jwe:{keys.rsa.public}",
            "--layer",
            "-1",
            "-q",
        ],
    )
    assert done.exit_code == 0, done.output
    assert "encrypted layers 2 ->" in done.stdout
    done = runner.invoke(
        app, ["decrypt", f"oci-layout:{enc}:e", f"oci-layout:{dec}:d", "--key", str(keys.rsa.private), "-q"]
    )
    assert done.exit_code == 0, done.output
    assert [d["digest"] for d in read_manifest(dec, "d")["layers"]] == [
        layer.digest for layer in small_layout.layers
    ]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["decrypt", "{enc}", "oci-layout:{tmp}/out", "--key", "{other}"], "none of the given private keys"),
        (["decrypt", "{enc}", "oci-layout:{tmp}/out", "--key", "{public}"], "not a private key"),
        (
            ["encrypt", "{src}", "docker-archive:{tmp}/out.tar", "-r", "jwe:{public}"],
            "cannot hold encrypted layers",
        ),
        (["encrypt", "{src}", "oci-layout:{tmp}/out", "-r", "jwe:{private}"], "not a public key"),
        (["encrypt", "{src}", "oci-layout:{tmp}/out", "-r", "jwe:{public}", "--layer", "7"], "has 3 layers"),
    ],
    ids=["wrong-key", "public-as-key", "archive", "private-as-recipient", "layer-range"],
)
def test_bad_input_is_one_line_with_exit_code_2(
    tmp_path: Path, keys: Keys, small_layout: Layout, args: list[str], needle: str
) -> None:
    enc = tmp_path / "enc"
    assert (
        runner.invoke(
            app, ["encrypt", small_layout.ref, f"oci-layout:{enc}", "-r", str(keys.ec.public), "-q"]
        ).exit_code
        == 0
    )
    values = {
        "enc": f"oci-layout:{enc}",
        "src": small_layout.ref,
        "tmp": str(tmp_path),
        "other": str(keys.other.private),
        "public": str(keys.ec.public),
        "private": str(keys.ec.private),
    }
    done = runner.invoke(app, [a.format(**values) for a in args])
    assert done.exit_code == 2, done.output
    assert needle in done.output and "Traceback" not in done.output
    assert "PRIVATE KEY" not in done.output
    assert not (tmp_path / "out").exists() and not (tmp_path / "out.tar").exists()


def test_scan_reads_an_encrypted_image_with_the_key_only(
    tmp_path: Path, keys: Keys, small_layout: Layout
) -> None:
    enc = tmp_path / "enc"
    done = runner.invoke(
        app, ["encrypt", small_layout.ref, f"oci-layout:{enc}:e", "-r", f"jwe:{keys.ec.public}", "-q"]
    )
    assert done.exit_code == 0, done.output
    env = {"HULLGUARD_CACHE_DIR": str(tmp_path / "cache")}
    scan = ["scan", "-q", "--scanners", "misconfig", "-f", "json", f"oci-layout:{enc}:e"]
    refused = runner.invoke(app, scan, env=env)
    assert refused.exit_code == 2
    assert "--decryption-key" in refused.output
    wrong = runner.invoke(app, [*scan, "--decryption-key", str(keys.other.private)], env=env)
    assert wrong.exit_code == 2, wrong.output
    opened = runner.invoke(app, [*scan, "--decryption-key", str(keys.ec.private)], env=env)
    assert opened.exit_code == 0, opened.output
    assert '"scanners": [\n    "misconfig"\n  ]' in opened.stdout
    assert not (tmp_path / "cache" / "layers").exists() or not any(
        (tmp_path / "cache" / "layers").iterdir()
    ), "nothing learnt from decrypted layers is cached"
