"""Every test under tests/integration/ is marked `integration` and by its folder (`tensorboard`, `browser`,
`training`, `install`, `pipeline`): `pytest -m "not integration"` (or `make test-fast`) leaves them out."""

import pathlib

import pytest

HERE = pathlib.Path(__file__).parent


def pytest_collection_modifyitems(items):
    for item in items:
        path = pathlib.Path(item.path)
        if HERE in path.parents:
            item.add_marker(pytest.mark.integration)
            item.add_marker(getattr(pytest.mark, path.relative_to(HERE).parts[0]))
