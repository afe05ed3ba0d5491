"""models/ in one shape: every model's `train_and_export` takes the same leading arguments and returns an `Outcome`."""

import inspect

import pytest

from models import LAYOUTS
from models.cli import model_commands
from models.outcome import Outcome

SHARED = [("data", None), ("logdir", "logdir"), ("run", None), ("layouts", LAYOUTS)]


def test_every_model_is_listed():
    assert sorted(model_commands()) == ["bert", "sentiment", "softmax", "word2vec"]


@pytest.mark.parametrize("model", sorted(model_commands()))
def test_train_and_export_has_the_shared_signature(model):
    parameters = list(inspect.signature(model_commands()[model].train_and_export).parameters.values())
    assert [(p.name, p.default) for p in parameters[:4]] == SHARED
    assert parameters[0].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert all(p.kind in (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.VAR_KEYWORD) for p in parameters[1:])
    assert "models.outcome.Outcome" in inspect.getdoc(model_commands()[model].train_and_export)


def test_outcome_is_frozen_with_empty_defaults():
    outcome = Outcome("logdir/run", {})
    assert (outcome.model_path, outcome.metrics, outcome.extras) == (None, {}, {})
    with pytest.raises(AttributeError):
        outcome.run_dir = "elsewhere"
