"""Fixtures of the validator's tests."""

import warnings

import numpy as np
import pytest

from exporter import ExportWarning, export_embeddings, validate_logdir


@pytest.fixture
def clean_run(tmp_path):
    """The run folder of a small export the validator finds nothing wrong with (tests break it on purpose)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExportWarning)
        result = export_embeddings(np.arange(12, dtype=np.float32).reshape(3, 4), ["a", "b", "c"],
                                   logdir=tmp_path / "logdir", run="r", name="emb")
    assert validate_logdir(tmp_path / "logdir").findings == []
    return result.run_dir
