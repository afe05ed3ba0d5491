"""Everything that warns about TensorBoard's 100,000-point cap names `projector-export serve`."""

import subprocess

import numpy as np
import pytest

from exporter import ExportWarning, export_embeddings, validate_logdir
from tests.support.tensorboard_server import PROJECTOR_EXPORT

N = 100_001


def test_export_validate_and_help_name_serve(tmp_path):
    with pytest.warns(ExportWarning, match=r"100000: view them all with `projector-export serve LOGDIR`"):
        export_embeddings(np.random.default_rng(0).normal(size=(N, 2)), None, logdir=tmp_path, run="r", name="v",
                          write_tsv=False, standalone_config=False)
    findings = validate_logdir(str(tmp_path)).findings
    cap = [f for f in findings if "shows only the first 100000" in f.message]
    assert len(cap) == 1 and "projector-export serve LOGDIR" in cap[0].fix
    bookmark = [f for f in findings if f"{N} projections for 100000 points" in f.message]
    assert len(bookmark) == 1 and "projector-export serve LOGDIR" in bookmark[0].message
    help_text = subprocess.run([PROJECTOR_EXPORT, "import", "--help"], capture_output=True, text=True).stdout
    assert "`projector-export serve` shows all" in " ".join(help_text.split())
