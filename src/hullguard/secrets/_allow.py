"""Built-in allowlists: what looks like a secret but is documentation, a placeholder or test data.

Each entry removes a known family of false positives (issue 5: "fewer false positives than
Trivy"); paths cover files that third-party packages ship (their test keys are not the image
owner's secrets) and the values cover documented example keys and template placeholders.
"""

from __future__ import annotations

from hullguard.secrets._model import Allowlist

__all__ = ["BINARY_SUFFIXES", "DEFAULT_ALLOWLIST", "GENERIC_ALLOW"]

BINARY_SUFFIXES = (
    ".so",
    ".a",
    ".o",
    ".ko",
    ".dll",
    ".exe",
    ".dylib",
    ".node",
    ".wasm",
    ".class",
    ".jar",
    ".war",
    ".ear",
    ".pyc",
    ".pyo",
    ".whl",
    ".egg",
    ".mo",
    ".gz",
    ".tgz",
    ".xz",
    ".bz2",
    ".zst",
    ".lz4",
    ".zip",
    ".7z",
    ".tar",
    ".deb",
    ".rpm",
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".ico",
    ".bmp",
    ".webp",
    ".tif",
    ".tiff",
    ".woff",
    ".woff2",
    ".ttf",
    ".otf",
    ".eot",
    ".pdf",
    ".mp3",
    ".mp4",
    ".ogg",
    ".wav",
    ".avi",
    ".mov",
    ".db",
    ".sqlite",
    ".sqlite3",
    ".bin",
    ".dat",
    ".pak",
    ".cache",
    ".pf2",
    ".ttc",
    ".gpg",
    ".sig",
    ".hwdb",
)
"""Suffixes of binary formats: skipped from the path alone, before any byte is read."""

DEFAULT_ALLOWLIST = Allowlist(
    values=(
        r"(?i)example|dummy|sample|placeholder|changeme|change_me|change-me|redacted|fake|"
        r"xxxxx|\*\*\*\*|not[_-]?a[_-]?(?:real|secret)|insert[_-]?(?:your|here)|your[_-]",
        r"(?i)^(?:true|false|null|none|nil|undefined|empty|password|passwd|secret|token|required|string|"
        r"optional|hidden|masked|test|testing|default|admin|root|guest|user|username)$",
        r"^\$|^%[A-Za-z_(]|\{\{|\}\}|^<[^>]*>?$|^\[[^\]]*\]$|^@[A-Za-z_]+@$",
        r"^(.)\1+$",
        # Stripe's own documented test keys.
        r"^sk_test_(?:4eC39HqLyjWDarjtT1zdp7dc|BQokikJOvBiI2HlWgH4olfQ2)$",
    ),
    paths=(
        r"(?:^|/)(?:tests?|testdata|test[-_]data|testing|fixtures?|__tests__|__mocks__|spec|specs|examples?"
        r"|samples?|docs?)/",
        r"/(?:site|dist)-packages/|/node_modules/|/vendor/|/gems/[^/]+-\d[^/]*/|/\.git/objects/",
        r"^/usr/(?:share|include|lib|lib32|lib64|libx32|libexec|src)/|^/usr/local/go/|^/usr/local/include/",
        r"^/etc/ssl/certs/|/ca-certificates/|/locale/",
        r"\.(?:md|rst|adoc|html?|css|scss|svg|map|po|pot)$",
        r"(?:^|/)(?:package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|go\.sum|Cargo\.lock"
        r"|poetry\.lock|Pipfile\.lock|composer\.lock|Gemfile\.lock|packages\.lock\.json|uv\.lock)$",
    ),
)
"""Applied to every rule."""

GENERIC_ALLOW = Allowlist(
    values=(
        r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$",  # self.password, settings.SECRET_KEY
        r"^[a-z]+(?:_[a-z]+)+$|^[A-Z][A-Z0-9_]{3,}$",  # get_password, DB_PASSWORD_FILE
        r"^[a-z]+(?:[A-Z][a-z0-9]+)+$",  # getPassword, secretKeyRef
        r"^/[\w./-]*$|^[\w.-]+\.(?:txt|json|ya?ml|pem|key|crt|conf|cfg|ini|env|properties)$",  # file names
        r"^https?://[^@]*$",
    ),
)
"""Only for the generic assignment rules: code identifiers and file names are not secrets."""
