"""`--runner NAME`: a name Beam has no runner for is one line before anything runs (it was Beam's traceback)."""

import pytest

from exporter.errors import ExportError
from exporter.pipeline.options import pipeline_options


def test_a_runner_beam_does_not_have_is_one_line():
    with pytest.raises(ExportError) as error:
        pipeline_options("Dataflw", 1, [])
    assert str(error.value).startswith("--runner Dataflw: Beam has no such runner: use 'local'")


def test_beams_own_runner_names_pass():
    for name in ("DataflowRunner", "FlinkRunner", "PortableRunner", "apache_beam.runners.direct.DirectRunner"):
        assert pipeline_options(name, 1, [])[0] == name
