"""Screenshots a run of a logdir in TensorBoard's projector, for the README.

    make demo && .venv/bin/python -m docs.images.capture logdir softmax probabilities true_class docs/images/projector.png

Uses the test suite's real TensorBoard and headless Chromium drivers (tests/support).
"""

import shutil
import sys

from tests.support.browser import open_projector
from tests.support.tensorboard_server import TensorBoardServer


def capture(logdir, run, tensor, color_by, output):
    with TensorBoardServer(logdir) as tensorboard, open_projector(tensorboard.url) as projector:
        tensorboard.wait_for_tensor(run, tensor)
        projector.wait_until_drawn()  # the first run, then ours
        projector.select(run, tensor)
        projector.page.wait_for_timeout(2000)
        projector.wait_until_drawn()
        projector.evaluate(
            "(p, column) => { find(p.shadowRoot, 'vz-projector-data-panel')"
            ".selectedColorOptionName = column; }",
            color_by,
        )
        projector.page.wait_for_timeout(2000)
        shutil.copy(projector.screenshot("readme"), output)


if __name__ == "__main__":
    capture(*sys.argv[1:6])
