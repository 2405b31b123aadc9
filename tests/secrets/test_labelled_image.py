"""The labelled image: >= 30 kinds of planted secrets (some only in deleted files, some only in
the config) and decoys; every planted secret is found with the right rule and layers, no decoy is."""

from __future__ import annotations

import base64

import pytest

from hullguard.analyze import analyze_target, build_analyzers
from hullguard.analyze.secrets import SecretAnalyzer
from hullguard.image import Image, SourceOptions, open_target
from hullguard.report import SecretFinding, SecretOrigin
from hullguard.secrets import RulePack, load_rules, secret_findings
from tests.secrets.conftest import Fakes, layer_tar, oci_image

HEX = "0123456789abcdef"
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def _planted(f: Fakes) -> tuple[dict[str, bytes], dict[tuple[str, str], str]]:
    """Layer-1 files and the expected (rule, path) -> a note."""
    npm_like = f.chars(24)
    files = {
        "app/settings.py": (
            f'AWS_KEY_ID = "AKIA{f.chars(16, B32)}"\n'
            f'GOOGLE = "AIza{f.chars(35)}"\n'
            f'DB_PASSWORD = "{f.chars(18)}"\n'
            f'MONGO = "mongodb://app:{f.chars(16)}@mongo:27017/db"\n'
        ),
        "root/.aws/credentials": f"[default]\naws_secret_access_key = {f.chars(40)}\n",
        "app/azure.conf": f"DefaultEndpointsProtocol=https;AccountName=x;AccountKey={f.chars(86)}==\n",
        "app/ci.yml": (
            f"github: ghp_{f.chars(36)}\nfine: github_pat_{f.chars(82)}\ngitlab: glpat-{f.chars(20)}\n"
            f"bitbucket: ATBB{f.chars(32)}\n"
        ),
        "app/notify.js": (
            f"const slack = 'xoxb-{f.chars(11, '0123456789')}-{f.chars(12, '0123456789')}-{f.chars(24)}';\n"
            f"const hook = 'https://hooks.slack.com/services/T{f.chars(8)}/B{f.chars(8)}/{f.chars(24)}';\n"
            f"const stripe = 'sk_live_{f.chars(24)}';\nconst twilio = 'SK{f.chars(32, HEX)}';\n"
            f"const sg = 'SG.{f.chars(22)}.{f.chars(43)}';\n"
        ),
        "root/.pypirc": f"[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmc{f.chars(60)}\n",
        "app/deploy.sh": f"echo dckr_pat_{f.chars(27)} | docker login --password-stdin\n",
        "app/session.txt": f"eyJhbGciOiJIUzI1NiJ9.eyJ{f.chars(40)}.{f.chars(43)}\n",
        "etc/app/rsa.key": f.pem("RSA PRIVATE KEY").encode().decode(),
        "etc/app/pgp.asc": f.pem("PGP PRIVATE KEY BLOCK"),
        "etc/app/ec.pem": f.pem("EC PRIVATE KEY", 120),
        "etc/app/enc.pem": f.pem("ENCRYPTED PRIVATE KEY"),
        "app/db.ini": f"url = postgres://svc:{f.chars(14)}@pg.internal:5432/app\n",
        "root/.docker/config.json": '{"auths": {"reg.example.org": {"auth": "'
        + base64.b64encode(f"ci:{f.chars(20)}".encode()).decode()
        + '"}}}\n',
        "root/.netrc": f"machine api.internal login bot password {f.chars(20)}\n",
        "root/.git-credentials": f"https://bot:{f.chars(30)}@git.internal\n",
        "root/.kube/config": f"users:\n- name: a\n  user:\n    client-key-data: {f.b64(120)}\n",
        "root/.bash_history": f"ls\nmysql -u root -p{f.chars(14)} app\n",
        "app/.env": f"API_SECRET_VALUE={f.chars(22)}\n",
        "app/ai.py": f'KEY = "sk-proj-{f.chars(40)}T3BlbkFJ{f.chars(40)}"\n',
        "app/vault.hcl": f'token = "hvs.{f.chars(95)}"\n',
        "app/age.txt": f"AGE-SECRET-KEY-1{f.chars(58, 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L')}\n",
        "app/npm-cache.txt": f"cache key {npm_like}\n",  # decoy: no rule matches a bare random string
    }
    expected = {
        ("aws-access-key-id", "/app/settings.py"): "",
        ("gcp-api-key", "/app/settings.py"): "",
        ("generic-password", "/app/settings.py"): "",
        ("mongodb-connection-string", "/app/settings.py"): "",
        ("aws-secret-access-key", "/root/.aws/credentials"): "",
        ("azure-storage-account-key", "/app/azure.conf"): "",
        ("github-pat", "/app/ci.yml"): "",
        ("github-fine-grained-pat", "/app/ci.yml"): "",
        ("gitlab-pat", "/app/ci.yml"): "",
        ("bitbucket-app-password", "/app/ci.yml"): "",
        ("slack-bot-token", "/app/notify.js"): "",
        ("slack-webhook", "/app/notify.js"): "",
        ("stripe-secret-key", "/app/notify.js"): "",
        ("twilio-api-key", "/app/notify.js"): "",
        ("sendgrid-api-key", "/app/notify.js"): "",
        ("pypi-upload-token", "/root/.pypirc"): "",
        ("dockerhub-pat", "/app/deploy.sh"): "",
        ("jwt", "/app/session.txt"): "",
        ("private-key-rsa", "/etc/app/rsa.key"): "",
        ("private-key-pgp", "/etc/app/pgp.asc"): "",
        ("private-key-ec", "/etc/app/ec.pem"): "",
        ("private-key-pkcs8-encrypted", "/etc/app/enc.pem"): "",
        ("postgres-connection-string", "/app/db.ini"): "",
        ("docker-config-auth", "/root/.docker/config.json"): "",
        ("netrc-password", "/root/.netrc"): "",
        ("git-credentials", "/root/.git-credentials"): "",
        ("kubeconfig-client-key", "/root/.kube/config"): "",
        ("history-mysql-password", "/root/.bash_history"): "",
        ("dotenv-secret", "/app/.env"): "",
        ("openai-api-key", "/app/ai.py"): "",
        ("hashicorp-vault-token", "/app/vault.hcl"): "",
        ("age-secret-key", "/app/age.txt"): "",
    }
    return {k: v.encode() if isinstance(v, str) else v for k, v in files.items()}, expected


def _decoys(f: Fakes) -> dict[str, bytes]:
    text = {
        "app/README.txt": "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
        "stripe sk_test_4eC39HqLyjWDarjtT1zdp7dc\n",
        "app/config.py": 'password = "changeme"\npassword = "${DB_PASSWORD}"\npassword = self.password\n'
        'password = get_password(user)\npassword = "aaaaaaaaaaaa"\napi_key = "1111111111111111111"\n'
        'secret = "abababababababababab"\ntoken = "<your-token-here>"\n'
        'github = "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"\n',
        "app/truncated.pem": "-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n-----END RSA PRIVATE KEY-----\n",
        "app/tests/fixtures/creds.py": f'TOKEN = "ghp_{f.chars(36)}"\n' + f.pem("RSA PRIVATE KEY"),
        "usr/lib/python3/dist-packages/lib/keys.py": f'KEY = "AKIA{f.chars(16, B32)}"\n',
        "app/node_modules/pkg/index.js": f"const k = 'sk_live_{f.chars(24)}';\n",
    }
    return {k: v.encode() for k, v in text.items()}


@pytest.fixture(scope="module")
def labelled(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[tuple[SecretFinding, ...], dict[tuple[str, str], str], RulePack]:
    f = Fakes(20240605)
    files, expected = _planted(f)
    files.update(_decoys(f))
    deleted = {
        "root/.npmrc": f"//registry.npmjs.org/:_authToken=npm_{f.chars(36)}\n".encode(),
        "root/.ssh/id_ed25519": f.pem("OPENSSH PRIVATE KEY", 300).encode(),
        "app/old_settings.py": f"STRIPE = 'rk_live_{f.chars(30)}'\n".encode(),
    }
    layer3 = layer_tar(
        {"app/old_settings.py": b"STRIPE = os.environ['STRIPE']\n"}, whiteouts=("root/.npmrc", "root/.ssh")
    )
    layers = [layer_tar(files), layer_tar(deleted), layer3]
    env_password, label_token, runner = f.chars(20), f"ghs_{f.chars(36)}", f"glrt-{f.chars(20)}"
    run_config = {
        "Env": [
            "PATH=/usr/bin",
            f"DB_PASSWORD={env_password}",
            "PASSWORD_FILE=/run/secrets/db",
            "API_TOKEN=changeme",
        ],
        "Labels": {"org.example.ci-token": label_token, "maintainer": "ops@example.org"},
    }
    history: list[dict[str, object]] = [
        {"created_by": "COPY . /"},
        {"created_by": "COPY secrets /"},
        {"created_by": "ENV DB_PASSWORD=see-env", "empty_layer": True},
        {"created_by": f"|1 RUNNER_TOKEN={runner} /bin/sh -c rm -rf /root/.npmrc /root/.ssh"},
    ]
    root = oci_image(
        tmp_path_factory.mktemp("labelled") / "oci", layers, run_config=run_config, history=history
    )
    expected.update(
        {
            ("npm-access-token", "/root/.npmrc"): "removed",
            ("private-key-openssh", "/root/.ssh/id_ed25519"): "removed",
            ("stripe-restricted-key", "/app/old_settings.py"): "removed",
            ("image-config-secret", "Env"): "config",
            ("github-app-token", "Labels"): "config",
            ("gitlab-runner-auth-token", "history[3].created_by"): "config",
        }
    )
    rules = load_rules()
    image = open_target(f"oci-layout:{root}:t", SourceOptions())
    assert isinstance(image, Image)
    with image:
        inventory = analyze_target(
            image, [*build_analyzers(), SecretAnalyzer(rules)], limits=SourceOptions().limits
        )
    return secret_findings(inventory, rules), expected, rules


def test_labelled_image_recall_is_complete(
    labelled: tuple[tuple[SecretFinding, ...], dict[tuple[str, str], str], RulePack],
) -> None:
    findings, expected, _ = labelled
    assert len({rule for rule, _ in expected}) >= 30
    found = {(f.rule_id, f.location.path) for f in findings}
    assert sorted(set(expected) - found) == []


def test_labelled_image_reports_no_decoy(
    labelled: tuple[tuple[SecretFinding, ...], dict[tuple[str, str], str], RulePack],
) -> None:
    findings, expected, _ = labelled
    extra = sorted(
        (f.rule_id, f.location.path, f.redacted)
        for f in findings
        if (f.rule_id, f.location.path) not in expected
    )
    assert extra == []


def test_deleted_files_name_both_layers(
    labelled: tuple[tuple[SecretFinding, ...], dict[tuple[str, str], str], RulePack],
) -> None:
    findings, expected, _ = labelled
    for f in findings:
        note = expected.get((f.rule_id, f.location.path))
        if note == "removed":
            assert f.removed_in is not None and f.location.layer is not None
            assert f.removed_in.index > f.location.layer.index
        elif note == "":
            assert f.removed_in is None and f.location.layer is not None and f.location.layer.index == 0


def test_config_secrets_carry_their_origin(
    labelled: tuple[tuple[SecretFinding, ...], dict[tuple[str, str], str], RulePack],
) -> None:
    findings, _, _ = labelled
    origins = {f.location.path: f.origin for f in findings if f.origin is not SecretOrigin.FILE}
    assert origins == {
        "Env": SecretOrigin.ENV,
        "Labels": SecretOrigin.LABEL,
        "history[3].created_by": SecretOrigin.HISTORY,
    }
    history = next(f for f in findings if f.origin is SecretOrigin.HISTORY)
    assert history.location.layer is not None and history.location.layer.index == 2


def test_no_finding_shows_a_whole_secret(
    labelled: tuple[tuple[SecretFinding, ...], dict[tuple[str, str], str], RulePack],
) -> None:
    findings, _, _ = labelled
    for f in findings:
        assert "*****" in f.redacted
        assert f.fingerprint.startswith("sha256:") and len(f.fingerprint) == 71
