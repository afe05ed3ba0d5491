"""`validate_logdir`: will every embedding in a logdir load in the projector, with aligned labels?

It reads the logdir the way TensorBoard 2.21's projector plugin and frontend do
(their own helpers and parsing rules) and checks every rule of the projector
format, on the files actually there, whichever tool wrote them.

Example:
>>> import numpy as np, tempfile, exporter
>>> logdir = tempfile.mkdtemp()
>>> _ = exporter.export_embeddings(np.eye(3, 4), ["cat", "", "cow"], logdir=logdir, run="demo", name="animals")
>>> report = validate_logdir(logdir)
>>> report.ok, report.embeddings
(True, ['demo/animals'])
"""

import os

from exporter.errors import ExportError
from exporter.validate.embeddings import check_run
from exporter.validate.findings import ERROR, Finding, Report
from exporter.validate.logdir import find_configs
from exporter.validate.standalone import check_standalone_configs

__all__ = ["Finding", "Report", "validate_logdir"]


def validate_logdir(logdir):
    """A `Report` on every embedding TensorBoard would find under `logdir` (and standalone configs)."""
    if not os.path.isdir(logdir):
        raise ExportError(f"{logdir} is not a folder: pass the logdir given to tensorboard --logdir")
    report = Report()
    configs = find_configs(logdir, report)
    entries = {}
    for run_config in configs:
        check_run(report, run_config)
        for embedding in run_config.config.embeddings:
            entries[(os.path.realpath(run_config.config_dir), embedding.tensor_name)] = embedding
    check_standalone_configs(report, os.path.abspath(logdir), entries)
    if not report.embeddings and not report.errors:
        report.add(ERROR, logdir, "no embedding TensorBoard would show",
                   "export one: projector-export import VECTORS --logdir LOGDIR --run RUN --name NAME")
    return report
