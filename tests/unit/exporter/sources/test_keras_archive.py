"""`.keras` archives read as data (issue 21): hostile configs are one error line; nested models by layer name."""

import json
import zipfile

import h5py
import numpy as np
import pytest

from exporter.cli import main
from tests.unit.exporter.sources.test_on_disk_errors import fails


def _archive(path, config, weights=("layers/embedding/vars/0",)):
    with h5py.File(path.with_suffix(".h5"), "w") as f:
        for key in weights:
            f.create_dataset(key, data=np.ones((6, 4), np.float32))
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", config)
        archive.write(path.with_suffix(".h5"), "model.weights.h5")
    return path


@pytest.mark.parametrize("config, expected", [
    (json.dumps([1, 2]), "holds a JSON array, not an object"),
    (json.dumps("a model"), "holds a JSON string, not an object"),
    (json.dumps({"class_name": "Sequential", "config": {"layers": [{"config": {"name": "embedding"}}]}}),
     "each with a class_name"),
    (json.dumps({"class_name": "Sequential", "config": {"layers": {"embedding": 1}}}), "not a list of layers"),
    ("[" * 50_000 + "]" * 50_000, "nested too deeply"),
    ('{"config": ' * 50_000 + "{}" + "}" * 50_000, "nested too deeply"),
])
def test_hostile_configs_are_one_error_line_in_every_command(tmp_path, capsys, config, expected):
    path = _archive(tmp_path / "model.keras", config)
    (tmp_path / "texts.csv").write_text("text\nthe cat\n")
    for command in (["checkpoint", path, "--vocab", "none"],
                    ["activations", path, "--layer", "embedding", "--data", tmp_path / "texts.csv",
                     "--text-column", "text"]):
        message = fails(capsys, tmp_path, *command)
        assert expected in message and "re-save the model" in message, message
    assert main(["inspect", str(path)]) == 2
    assert expected in capsys.readouterr().err


def test_a_nested_model_offers_its_layers_by_name_and_hides_its_optimizer_state(tmp_path, capsys):
    # How Keras 3 stores an end-to-end model: [TextVectorization, inner Functional (with its own Adam), ...].
    layer = {"class_name": "Embedding", "config": {"name": "words"}}
    inner = {"class_name": "Functional", "config": {"name": "encoder", "layers": [
        {"class_name": "InputLayer", "config": {"name": "ids"}}, layer]}}
    config = {"class_name": "Sequential", "config": {"layers": [{"class_name": "Dense", "config": {"name": "d"}},
                                                                inner]}}
    path = _archive(tmp_path / "end_to_end.keras", json.dumps(config),
                    ["layers/functional/layers/embedding/vars/0", "layers/functional/optimizer/vars/2",
                     "layers/functional/optimizer/vars/3"])
    assert main(["inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert "encoder/words/vars/0  6 x 4  float32  (layer encoder/words)" in out
    assert "optimizer/vars/2" not in out and "2 optimizer state" in out
    assert main(["inspect", str(path), "--all"]) == 0
    assert "encoder/optimizer/vars/2  6 x 4  float32  (optimizer state of encoder)" in capsys.readouterr().out
    for query in ("words", "encoder/words"):  # the layer's name, or its path
        assert main(["checkpoint", str(path), "--tensor", query, "--vocab", "none", "--logdir",
                     str(tmp_path / query.replace("/", "-"))]) == 0, capsys.readouterr().err
    message = fails(capsys, tmp_path, "checkpoint", path, "--tensor", "encoder/optimizer/vars/2", "--vocab", "none")
    assert "optimizer state" in message and "--all" in message, message


def test_a_model_keras_cannot_reload_is_named_with_its_cause_before_loading(tmp_path, capsys):
    config = {"class_name": "Sequential", "config": {"layers": [
        {"class_name": "TextVectorization", "config": {"name": "vectorize"}},
        {"class_name": "Embedding", "config": {"name": "embedding"}}]}}
    path = _archive(tmp_path / "model.keras", json.dumps(config), ["layers/embedding/vars/0"])
    with zipfile.ZipFile(path, "a") as archive:  # a token TextVectorization kept, holding NEL (U+0085)
        archive.writestr("assets/layers/text_vectorization/vocabulary.txt", "\n[UNK]\nthe\ngreat\x85\nmovie")
    (tmp_path / "texts.csv").write_text("text\nthe cat\n")
    message = fails(capsys, tmp_path, "activations", path, "--layer", "embedding", "--data", tmp_path / "texts.csv",
                    "--text-column", "text")
    assert "Keras cannot reload this model: layer 'vectorize' has the token 'great\\x85'" in message
    assert "repeated term" in message, message
    assert main(["inspect", str(path)]) == 0  # as inspect says it, naming the layer by its own name
    out, err = capsys.readouterr()
    assert "layer 'vectorize' has tokens holding line breaks" in err and "(layer vectorize): 5 entries" in out, out


def test_a_keras_load_failure_is_reported_by_its_first_cause():
    from exporter.sources.keras_model import why_unloadable

    message = ("A total of 2 objects could not be loaded. Example error message for object <TextVectorization "
               "name=text_vectorization>:\n\nThe passed vocabulary has at least one repeated term. Please "
               "uniquify your dataset. The repeated terms are: ['great']\n\nList of objects that could not be "
               "loaded:\n[<TextVectorization name=text_vectorization>, <StringLookup name=string_lookup>]")
    assert why_unloadable(message, False) == "cannot load the model: The passed vocabulary has at least one repeated term"
    missing = message.replace("The passed vocabulary", "Could not locate function 'custom_standardization'. The")
    assert "needs the Python function 'custom_standardization'" in why_unloadable(missing, False)
