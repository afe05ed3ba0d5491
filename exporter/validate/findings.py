"""What `validate_logdir` reports: one `Finding` per problem, gathered in a `Report`.

Example:
>>> report = Report([Finding("warning", "run/words/metadata.tsv", "no final newline", "add one", line=4)])
>>> report.ok, str(report.findings[0])
(True, 'warning: run/words/metadata.tsv:4: no final newline; fix: add one')
"""

import dataclasses
import json
import os

ERROR = "error"
WARNING = "warning"


@dataclasses.dataclass(frozen=True)
class Finding:
    """One problem: `error` (an embedding will not load, or its labels will not line up) or `warning`."""

    severity: str
    path: str
    message: str
    fix: str
    line: int | None = None

    def __str__(self):
        path = os.path.relpath(self.path) if self.path.startswith(os.getcwd() + os.sep) else self.path
        where = path if self.line is None else f"{path}:{self.line}"
        return f"{self.severity}: {where}: {self.message}; fix: {self.fix}"


@dataclasses.dataclass
class Report:
    """All findings for a logdir, and the embeddings that were checked (`run/tensor` names)."""

    findings: list = dataclasses.field(default_factory=list)
    embeddings: list = dataclasses.field(default_factory=list)

    @property
    def ok(self):
        """True when every embedding will load with aligned labels (warnings allowed)."""
        return not any(f.severity == ERROR for f in self.findings)

    @property
    def errors(self):
        return [f for f in self.findings if f.severity == ERROR]

    def add(self, severity, path, message, fix, line=None):
        finding = Finding(severity, str(path), message, fix, line)
        if finding not in self.findings:  # a file both TensorBoard and the standalone config use is checked twice
            self.findings.append(finding)

    def to_json(self):
        return json.dumps(
            {"ok": self.ok, "embeddings": self.embeddings, "findings": [dataclasses.asdict(f) for f in self.findings]},
            ensure_ascii=False,
        )
