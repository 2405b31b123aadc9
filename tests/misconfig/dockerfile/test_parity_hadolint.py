"""On the real corpus, every rule we share with hadolint agrees with hadolint 2.x on >= 95% of places.

A place is (file, line). Files hadolint's own parser rejects (DL1000; BuildKit accepts them) are
left out. Where we differ on purpose (hadolint is wrong, e.g. it does not know ``apt-get
dist-clean``) each differing place must be covered by one of the explanations in
``hadolint.EXPLAINED`` (the README's table); agreement counts explained places as agreeing and
the raw figure is printed too. Rules without an explanation must reach 95% raw.
"""

from __future__ import annotations

from pathlib import Path

from hullguard.misconfig import LintOptions
from hullguard.misconfig.dockerfile import CHECKS, lint_dockerfiles, read_dockerfile
from tests.misconfig.dockerfile.hadolint import EXPLAINED, agreement, explain, run_hadolint

THRESHOLD = 0.95


def test_every_shared_rule_agrees_with_hadolint(corpus_dockerfiles: list[Path], hadolint: Path) -> None:
    theirs = run_hadolint(hadolint, corpus_dockerfiles)
    ours = lint_dockerfiles(
        [(read_dockerfile(p), str(p)) for p in corpus_dockerfiles], LintOptions(shellcheck=False)
    )
    table, unparsed = agreement(ours, theirs)
    assert len(unparsed) < 40, "hadolint suddenly rejects many more files; is it still 2.x?"
    explained = explain(table)
    report = "\n".join(
        f"{row.rule}: raw {row.ratio:.3f}, explained {explained[row.rule][0]:.3f} (both {len(row.both)},"
        f" only hadolint {len(row.only_hadolint)}, only ours {len(row.only_ours)}) {explained[row.rule][1]}"
        for row in table.values()
    )
    print(report)
    low = [rule for rule, (ratio, _) in explained.items() if ratio < THRESHOLD]
    assert not low, "rules below 95% agreement after the explained differences:\n" + report
    unexplained_low = [r.rule for r in table.values() if r.ratio < THRESHOLD and not explained[r.rule][1]]
    assert not unexplained_low
    used = {why for _, counts in explained.values() for why in counts}
    assert used == {e.why for e in EXPLAINED}, "an explanation no longer explains anything: drop it"
    compared = {rule for rule, row in table.items() if row.both}
    assert len(compared) >= 35, f"too few rules fire on the corpus to compare: {sorted(compared)}"
    mapped = {check.mapped("hadolint") for check in CHECKS} - {None}
    assert compared <= mapped


def test_every_check_of_ours_fires_somewhere_or_is_new(corpus_dockerfiles: list[Path]) -> None:
    ours = lint_dockerfiles(
        [(read_dockerfile(p), str(p)) for p in corpus_dockerfiles], LintOptions(shellcheck=False)
    )
    fired = {f.check.id for f in ours}
    # Checks of our own (HG-DF-2xx) have no peer; they must find something in this real corpus.
    own = {c.id for c in CHECKS if c.id.startswith("HG-DF-2")}
    assert own <= fired, f"never fires on the corpus: {sorted(own - fired)}"
