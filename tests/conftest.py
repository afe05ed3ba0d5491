"""Shared fixtures; the helpers themselves live in `tests/support/`."""

import pytest

from tests.support.tensorboard_server import TensorBoardServer


@pytest.fixture(scope="module")
def tensorboard(tmp_path_factory):
    """One real TensorBoard per test module, serving the fresh folder `tensorboard.logdir`.

    Export into your own run names under `tensorboard.logdir`, then
    `tensorboard.wait_for_tensor(run, name)` before reading the routes.
    """
    with TensorBoardServer(tmp_path_factory.mktemp("tensorboard-logdir")) as server:
        yield server
