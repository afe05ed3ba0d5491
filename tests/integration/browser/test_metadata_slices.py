"""Stock TensorBoard + headless Chromium: our metadata over 2 MB of multi-byte characters arrives intact.

The frontend decodes metadata in 1,000,000-byte slices; unpadded, these labels would
be cut at a slice boundary. Served by stock `tensorboard` (no re-cutting), so this is
the writer's padding at work.
"""

import numpy as np
import pytest

from exporter import export_embeddings
from exporter import projector_rules
from tests.support.browser import open_projector

N = 40_000
pytestmark = pytest.mark.filterwarnings("ignore::exporter.errors.ExportWarning")


def test_every_multibyte_label_intact_in_stock_tensorboard(tensorboard):
    labels = [f"{i}-" + "é€😀" * 6 + "a" for i in range(N)]
    unaligned = "".join(label + "\n" for label in labels).encode()
    assert len(unaligned) > 2 * projector_rules.SLICE_BYTES
    assert any(0x80 <= unaligned[b] < 0xC0 for b in range(projector_rules.SLICE_BYTES, len(unaligned), projector_rules.SLICE_BYTES))
    export_embeddings(np.random.default_rng(0).normal(size=(N, 2)), labels, logdir=tensorboard.logdir, run="slices",
                      name="words", write_tsv=False, pca_bookmark=False)
    tensorboard.wait_for_tensor("slices", "words", shape=(N, 2))
    with open_projector(tensorboard.url) as projector:
        projector.wait_until_drawn(N)
        shown = projector.evaluate("p => p.dataSet.points.map(point => point.metadata.label)")
    assert shown == labels
