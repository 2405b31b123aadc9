"""Least-privilege run settings for an image: ``docker run`` flags, compose, Kubernetes.

From an image's config (and, after one layer pass, its packages and accounts) :func:`propose`
decides each setting with a reason; the writers render the same :class:`Proposal`::

    facts = collect_facts(image, limits=Limits())
    proposal = propose(facts, HardenSettings())
    print(docker_command(proposal))

The image is never run: every decision comes from metadata and file contents.
"""

from hullguard.harden._collect import PASSWD_ANALYZER, collect_facts, facts_from_config
from hullguard.harden._facts import Account, ImageFacts, parse_passwd
from hullguard.harden._model import (
    HardenSettings,
    Healthcheck,
    Mount,
    MountKind,
    PortBinding,
    Proposal,
    Reason,
)
from hullguard.harden._propose import propose
from hullguard.harden._render import (
    compose_document,
    docker_arguments,
    docker_command,
    kubernetes_pod,
    proposal_document,
)
from hullguard.harden._servers import SERVERS, ServerProfile, match_server

__all__ = [
    "PASSWD_ANALYZER",
    "SERVERS",
    "Account",
    "HardenSettings",
    "Healthcheck",
    "ImageFacts",
    "Mount",
    "MountKind",
    "PortBinding",
    "Proposal",
    "Reason",
    "ServerProfile",
    "collect_facts",
    "compose_document",
    "docker_arguments",
    "docker_command",
    "facts_from_config",
    "kubernetes_pod",
    "match_server",
    "parse_passwd",
    "proposal_document",
    "propose",
]
