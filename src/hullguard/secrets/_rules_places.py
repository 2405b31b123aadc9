"""Built-in rules: private keys, JWTs, connection strings, container credential files, generic.

Order matters: when two rules match the same bytes, the earlier rule wins, so specific
rules come before the container places and those before the generic assignment rules.
"""

from __future__ import annotations

from hullguard.secrets._spec import RuleData, assigned

__all__ = ["RULES"]

_KEY_BODY = r"[\s\S]{64,65536}?"


def _pem(rule_id: str, title: str, label: str) -> RuleData:
    begin, end = f"-----BEGIN {label}-----", f"-----END {label}-----"
    return {
        "id": rule_id,
        "title": title,
        "category": "PrivateKey",
        "severity": "CRITICAL",
        "regex": rf"{begin}\s*(?P<secret>{_KEY_BODY})\s*{end}",
        "trigger": begin,
        "keywords": [begin.lower()],
        "multiline": True,
    }


_HISTORY = r"(?:^|/)(?:\.(?:bash|zsh|sh|ash|ksh|mysql|psql|python|node_repl|rediscli|sqlite)_history|\.history|fish_history)$"
_SECRET_NAMES = (
    r"PASSWORD|PASSWD|PASSPHRASE|PWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?|AUTH"
)
_VALUE = r"""[^\s'"`;,<>(){}\[\]$%\\|]"""

KEYS: tuple[RuleData, ...] = (
    _pem("private-key-rsa", "RSA private key", "RSA PRIVATE KEY"),
    _pem("private-key-dsa", "DSA private key", "DSA PRIVATE KEY"),
    _pem("private-key-ec", "EC private key", "EC PRIVATE KEY"),
    _pem("private-key-pkcs8", "PKCS #8 private key", "PRIVATE KEY"),
    _pem("private-key-pkcs8-encrypted", "Encrypted PKCS #8 private key", "ENCRYPTED PRIVATE KEY"),
    _pem("private-key-openssh", "OpenSSH private key", "OPENSSH PRIVATE KEY"),
    _pem("private-key-pgp", "PGP private key block", "PGP PRIVATE KEY BLOCK"),
    _pem("private-key-openvpn-static", "OpenVPN static key", "OpenVPN Static key V1"),
    _pem("private-key-tss2", "TPM 2.0 (TSS2) private key", "TSS2 PRIVATE KEY"),
    {
        "id": "private-key-other",
        "title": "Private key (other PEM type)",
        "category": "PrivateKey",
        "severity": "CRITICAL",
        "multiline": True,
        "keywords": ["private key-----"],
        "trigger": r"-----BEGIN [A-Z0-9 ]{1,40} PRIVATE KEY-----",
        "regex": r"-----BEGIN (?!RSA |DSA |EC |ENCRYPTED |OPENSSH |PGP |TSS2 )(?P<label>[A-Z0-9 ]{1,40}) PRIVATE KEY-----"
        rf"\s*(?P<secret>{_KEY_BODY})\s*-----END (?P=label) PRIVATE KEY-----",
    },
    {
        "id": "private-key-ssh2",
        "title": "SSH2 (RFC 4716) private key",
        "category": "PrivateKey",
        "severity": "CRITICAL",
        "multiline": True,
        "keywords": ["begin ssh2 encrypted private key"],
        "trigger": r"---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----",
        "regex": rf"---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\s*(?P<secret>{_KEY_BODY})\s*"
        r"---- END SSH2 ENCRYPTED PRIVATE KEY ----",
    },
    {
        "id": "private-key-putty",
        "title": "PuTTY private key",
        "category": "PrivateKey",
        "severity": "CRITICAL",
        "multiline": True,
        "keywords": ["putty-user-key-file-"],
        "trigger": r"PuTTY-User-Key-File-\d: ",
        "regex": r"PuTTY-User-Key-File-\d: [\s\S]{0,2000}?Private-Lines: \d+\s*(?P<secret>[A-Za-z0-9+/=\s]{40,8000}?)"
        r"\s*Private-MAC: ",
    },
    {
        "id": "wireguard-private-key",
        "title": "WireGuard private key",
        "category": "PrivateKey",
        "severity": "CRITICAL",
        "keywords": ["privatekey"],
        "regex": r"(?im)^\s*PrivateKey\s*=\s*(?P<secret>[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=)",
    },
    {
        "id": "jwt",
        "title": "JSON Web Token",
        "category": "JWT",
        "severity": "MEDIUM",
        "keywords": ["eyj"],
        "regex": r"\b(?P<secret>ey[JI][A-Za-z0-9_-]{10,}\.ey[JI][A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})",
        "entropy": 4.0,
    },
)

CONNECTIONS: tuple[RuleData, ...] = tuple(
    {
        "id": f"{name}-connection-string",
        "title": f"{title} connection string with password",
        "category": "Database",
        "severity": "HIGH",
        "keywords": [k + "://" for k in schemes.split("|")],
        "regex": rf"(?i)\b(?:{schemes})://[^\s:/@'\"]{{1,64}}:(?P<secret>[^\s@/'\"]{{3,128}})@[\w.\[\]:-]+",
    }
    for name, title, schemes in (
        ("postgres", "PostgreSQL", "postgres|postgresql|pgsql|cockroachdb"),
        ("mysql", "MySQL/MariaDB", "mysql|mariadb|mysqlx"),
        ("mongodb", "MongoDB", r"mongodb|mongodb\+srv"),
        ("redis", "Redis", "redis|rediss"),
        ("amqp", "AMQP (RabbitMQ)", "amqp|amqps"),
        ("mssql", "SQL Server", "mssql|sqlserver"),
        ("oracle", "Oracle", "oracle"),
        ("clickhouse", "ClickHouse", "clickhouse"),
        ("couchdb", "CouchDB", "couchdb"),
        ("neo4j", "Neo4j", r"neo4j|neo4j\+s|bolt"),
        ("ldap", "LDAP", "ldap|ldaps"),
        ("smtp", "SMTP", "smtp|smtps"),
        ("url", "URL", "https?|ftp|ftps|sftp|git|ssh|svn|s3|nats|kafka"),
    )
) + (
    {
        "id": "jdbc-connection-string",
        "title": "JDBC URL with password",
        "category": "Database",
        "severity": "HIGH",
        "keywords": ["jdbc:"],
        "regex": r"(?i)jdbc:[a-z0-9]+:[^\s'\"]*?[;?&](?:password|pwd)=(?P<secret>[^;&\s'\"]{3,})",
    },
    {
        "id": "odbc-connection-string",
        "title": "ODBC/ADO.NET connection string with password",
        "category": "Database",
        "severity": "HIGH",
        "keywords": ["password", "pwd"],
        "regex": r"(?i)(?:server|data source|host|address)\s*=[^;'\"\n]{1,200};[^'\"\n]{0,300}?"
        r"\b(?:password|pwd)\s*=\s*(?P<secret>[^;'\"\s]{4,})",
    },
)

PLACES: tuple[RuleData, ...] = (
    {
        "id": "docker-config-auth",
        "title": "Registry credentials in a Docker/Podman auth file",
        "category": "Docker",
        "severity": "CRITICAL",
        "keywords": ["auth"],
        "path": r"(?:^|/)(?:\.docker/config\.json|\.dockercfg|containers/auth\.json)$",
        "regex": r'"(?:auth|identitytoken|password)"\s*:\s*"(?P<secret>[A-Za-z0-9+/=._~-]{8,})"',
    },
    {
        "id": "npmrc-auth",
        "title": "npm registry credentials in .npmrc",
        "category": "npm",
        "severity": "CRITICAL",
        "keywords": ["_auth", "_password"],
        "path": r"(?:^|/)\.?npmrc$",
        "regex": r"(?i)(?:_authToken|_auth|_password)\s*=\s*['\"]?(?P<secret>[^\s'\"]{8,})",
    },
    {
        "id": "pypirc-password",
        "title": "Package index password in .pypirc",
        "category": "PyPI",
        "severity": "CRITICAL",
        "keywords": ["password"],
        "path": r"(?:^|/)\.pypirc$",
        "regex": r"(?im)^\s*password\s*[=:]\s*(?P<secret>\S{4,})",
    },
    {
        "id": "netrc-password",
        "title": "Password in .netrc",
        "category": "Netrc",
        "severity": "CRITICAL",
        "keywords": ["password"],
        "path": r"(?:^|/)[._]netrc$",
        "regex": r"(?i)\bpassword\s+(?P<secret>\S{3,})",
    },
    {
        "id": "git-credentials",
        "title": "Stored Git credentials",
        "category": "Git",
        "severity": "CRITICAL",
        "keywords": ["://"],
        "path": r"(?:^|/)\.git-credentials$",
        "regex": r"[a-z][a-z0-9+.-]*://[^:/\s@]+:(?P<secret>[^@\s]{3,})@",
    },
    {
        "id": "kubeconfig-client-key",
        "title": "Kubernetes client key in a kubeconfig",
        "category": "Kubernetes",
        "severity": "CRITICAL",
        "keywords": ["client-key-data"],
        "regex": r"client-key-data:\s*['\"]?(?P<secret>[A-Za-z0-9+/=]{64,})",
    },
    {
        "id": "kubeconfig-token",
        "title": "Kubernetes credentials in a kubeconfig",
        "category": "Kubernetes",
        "severity": "CRITICAL",
        "keywords": ["token", "password"],
        "path": r"(?:^|/)(?:\.kube/config|kubeconfig[\w.-]*|[\w.-]*\.kubeconfig|admin\.conf|kubelet\.conf)$",
        "regex": r"(?im)^\s*(?:token|id-token|refresh-token|password):\s*['\"]?(?P<secret>[A-Za-z0-9._~+/=-]{16,})",
    },
    {
        "id": "dotenv-secret",
        "title": "Secret in a .env file",
        "category": "DotEnv",
        "severity": "HIGH",
        "keywords": ["="],
        "path": r"(?:^|/)(?:\.env(?:\.[\w.-]+)?|[\w.-]+\.env)$",
        "entropy": 2.5,
        "regex": rf"(?im)^\s*(?:export\s+)?[A-Z0-9_]*(?:{_SECRET_NAMES})[A-Z0-9_]*\s*=\s*['\"]?(?P<secret>{_VALUE}{{6,}})",
    },
    {
        "id": "history-mysql-password",
        "title": "MySQL password on a command line",
        "category": "ShellHistory",
        "severity": "HIGH",
        "keywords": ["mysql"],
        "path": _HISTORY,
        "regex": r"\bmysql(?:dump|admin)?\b[^\n]*?\s-p(?P<secret>[^\s'\"-][^\s'\"]{2,})",
    },
    {
        "id": "history-export-secret",
        "title": "Secret exported in a shell history",
        "category": "ShellHistory",
        "severity": "HIGH",
        "keywords": ["export"],
        "path": _HISTORY,
        "regex": rf"(?i)\bexport\s+[A-Z0-9_]*(?:{_SECRET_NAMES})[A-Z0-9_]*=['\"]?(?P<secret>{_VALUE}{{4,}})",
    },
    {
        "id": "cli-password-flag",
        "title": "Password passed as a command-line flag",
        "category": "ShellHistory",
        "severity": "HIGH",
        "keywords": ["--password", "-p"],
        "regex": r"\b(?:docker|podman|buildah|skopeo|helm|oras|crane|mysql|sshpass|htpasswd|vault|psql)\b"
        r"[^\n]{0,200}?\s(?:--password|-p)[= ]?['\"]?(?P<secret>[^\s'\"$-][^\s'\"]{3,})",
    },
    {
        "id": "cli-basic-auth",
        "title": "Credentials passed to curl/wget",
        "category": "ShellHistory",
        "severity": "HIGH",
        "keywords": ["curl", "wget"],
        "regex": r"\b(?:curl\b[^\n]{0,200}?\s(?:-u|--user)\s*['\"]?[^:\s'\"]+:|wget\b[^\n]{0,200}?\s--(?:http-)?password[= ]['\"]?)"
        r"(?P<secret>[^\s'\"@$]{3,})",
    },
    {
        "id": "htpasswd-hash",
        "title": "Password hash in an htpasswd file",
        "category": "PasswordHash",
        "severity": "MEDIUM",
        "keywords": ["$", "{sha}"],
        "path": r"htpasswd[^/]*$",
        "regex": r"(?m)^[^:\s#]+:(?P<secret>\$(?:apr1|2[abxy]|5|6)\$[^\s:]{8,}|\{SHA\}[A-Za-z0-9+/=]{28})",
    },
    {
        "id": "shadow-password-hash",
        "title": "Password hash for a user in /etc/shadow",
        "category": "PasswordHash",
        "severity": "HIGH",
        "keywords": ["$"],
        "path": r"(?:^|/)etc/shadow-?$",
        "regex": r"(?m)^[^:\s]+:(?P<secret>\$(?:1|2[abxy]|5|6|y|gy|7)\$[^\s:]{8,})",
    },
    {
        "id": "maven-settings-password",
        "title": "Password in Maven settings",
        "category": "Maven",
        "severity": "HIGH",
        "keywords": ["<password>"],
        "path": r"settings(?:-security)?\.xml$",
        "regex": r"<password>\s*(?P<secret>[^<$\s]{4,})\s*</password>",
    },
    {
        "id": "nuget-config-password",
        "title": "Clear-text password in NuGet.Config",
        "category": "NuGet",
        "severity": "HIGH",
        "keywords": ["cleartextpassword"],
        "regex": r"(?i)key=\"ClearTextPassword\"\s+value=\"(?P<secret>[^\"]{4,})\"",
    },
    {
        "id": "composer-auth",
        "title": "Credentials in a Composer auth.json",
        "category": "Composer",
        "severity": "HIGH",
        "keywords": ["password", "token"],
        "path": r"(?:^|/)(?:\.composer/)?auth\.json$",
        "regex": r"\"(?:password|token)\"\s*:\s*\"(?P<secret>[^\"\s]{8,})\"",
    },
    {
        "id": "pgpass-password",
        "title": "Password in .pgpass",
        "category": "PostgreSQL",
        "severity": "HIGH",
        "keywords": [":"],
        "path": r"(?:^|/)\.pgpass$",
        "regex": r"(?m)^[^:\s#]+:[^:\s]+:[^:\s]+:[^:\s]+:(?P<secret>\S+)$",
    },
    {
        "id": "mysql-config-password",
        "title": "Password in a MySQL option file",
        "category": "MySQL",
        "severity": "HIGH",
        "keywords": ["password"],
        "path": r"(?:^|/)\.?my\.cnf$",
        "regex": r"(?im)^\s*password\s*=\s*['\"]?(?P<secret>[^\s'\"]{3,})",
    },
    {
        "id": "s3cfg-secret-key",
        "title": "Secret key in .s3cfg",
        "category": "S3",
        "severity": "HIGH",
        "keywords": ["secret_key"],
        "path": r"(?:^|/)\.s3cfg$",
        "regex": r"(?im)^\s*secret_key\s*=\s*(?P<secret>\S{16,})",
    },
    {
        "id": "gradle-properties-secret",
        "title": "Credential in gradle.properties",
        "category": "Gradle",
        "severity": "HIGH",
        "keywords": ["password", "token", "secret", "key"],
        "path": r"gradle\.properties$",
        "entropy": 2.5,
        "regex": r"(?im)^\s*[\w.]*(?:password|token|secret|apikey)\s*[=:]\s*(?P<secret>\S{6,})",
    },
    {
        "id": "authorization-header",
        "title": "Credentials in an HTTP Authorization header",
        "category": "Generic",
        "severity": "HIGH",
        "keywords": ["authorization"],
        "entropy": 3.0,
        "regex": r"(?i)authorization\s*[:=]\s*['\"]?(?:bearer|token|basic)\s+(?P<secret>[A-Za-z0-9._~+/=-]{16,})",
    },
)

CONFIG: tuple[RuleData, ...] = (
    {
        "id": "image-config-secret",
        "title": "Secret in the image config (ENV, LABEL or build argument)",
        "category": "ImageConfig",
        "severity": "HIGH",
        "keywords": ["="],
        "path": r"^image-config:",
        "entropy": 2.5,
        "regex": rf"(?i)\b[A-Z0-9_.-]*(?:{_SECRET_NAMES})[A-Z0-9_.-]*=['\"]?(?P<secret>{_VALUE}{{6,}})",
    },
)

GENERIC: tuple[RuleData, ...] = (
    {
        "id": "generic-password",
        "title": "Hard-coded password",
        "category": "Generic",
        "severity": "HIGH",
        "keywords": ["pass", "pwd"],
        "entropy": 3.0,
        "regex": assigned(r"password|passwd|passphrase|\bpwd", rf"{_VALUE}{{8,64}}"),
    },
    {
        "id": "generic-secret",
        "title": "Hard-coded secret",
        "category": "Generic",
        "severity": "HIGH",
        "keywords": ["secret"],
        "entropy": 3.5,
        "regex": assigned(r"secret", rf"{_VALUE}{{12,128}}"),
    },
    {
        "id": "generic-api-key",
        "title": "Hard-coded API key",
        "category": "Generic",
        "severity": "HIGH",
        "keywords": ["key"],
        "entropy": 3.7,
        "regex": assigned(
            r"api_?key|apikey|access_?key|auth_?key|private_?key|secret_?key", r"[A-Za-z0-9_+/=.~-]{16,128}"
        ),
    },
    {
        "id": "generic-token",
        "title": "Hard-coded access token",
        "category": "Generic",
        "severity": "HIGH",
        "keywords": ["token"],
        "entropy": 3.7,
        "regex": assigned(r"token|bearer", r"[A-Za-z0-9_+/=.~-]{20,256}"),
    },
)

RULES: tuple[RuleData, ...] = KEYS + PLACES + CONNECTIONS + CONFIG
"""Everything here except the generic rules, which go last of all."""
