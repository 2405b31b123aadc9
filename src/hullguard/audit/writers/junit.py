"""JUnit XML (``--format junit``): one test suite per benchmark section, one case per result.

FAIL is a ``failure``; SKIP is ``skipped`` with its reason; WARN and INFO pass but carry their
evidence in ``system-out`` so a human sees them. ElementTree escapes every value.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import TextIO

from hullguard.audit._model import Status
from hullguard.audit._report import AuditReport

__all__ = ["PLUGINS", "JunitAuditWriter"]


@dataclass(frozen=True, slots=True)
class JunitAuditWriter:
    """Writes ``testsuites`` with one ``testsuite`` per section."""

    id: str = "junit"
    aliases: tuple[str, ...] = ()

    def write(self, report: AuditReport, out: TextIO, *, tool_version: str) -> None:
        """The whole XML document."""
        root = ET.Element("testsuites", name=f"hullguard audit {report.engine}")
        for number, title, results in report.sections():
            suite = ET.SubElement(
                root,
                "testsuite",
                name=f"{number} {title}",
                tests=str(len(results)),
                failures=str(sum(r.status is Status.FAIL for r in results)),
                errors="0",
                skipped=str(sum(r.status is Status.SKIP for r in results)),
            )
            properties = ET.SubElement(suite, "properties")
            ET.SubElement(properties, "property", name="hullguard.version", value=tool_version)
            for r in results:
                case = ET.SubElement(
                    suite, "testcase", classname=f"cis.{r.cis_id}", name=f"{r.cis_id} {r.title} [{r.target}]"
                )
                if r.status is Status.FAIL:
                    failure = ET.SubElement(case, "failure", message=r.evidence, type="FAIL")
                    failure.text = f"{r.evidence}\nRemediation: {r.remediation}"
                elif r.status is Status.SKIP:
                    ET.SubElement(case, "skipped", message=r.evidence)
                elif r.status in {Status.WARN, Status.INFO}:
                    ET.SubElement(case, "system-out").text = f"{r.status.value}: {r.evidence}"
        ET.indent(root)
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(ET.tostring(root, encoding="unicode"))
        out.write("\n")


PLUGINS = (JunitAuditWriter(),)
