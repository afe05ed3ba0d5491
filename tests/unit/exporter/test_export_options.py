"""`ExportOptions`: one record of every export option, the same from the API, the CLI and the callback."""

import dataclasses

import numpy as np
import pytest

from exporter import ExportError, ExportOptions, ProjectorCallback, export_embeddings
from exporter.cli import build_parser
from exporter.run import folder as run_folder

WORDS = ["aaa", "bbb", "ccc", "ddd"]


def test_defaults_are_export_tables_defaults():
    options = ExportOptions()
    assert (options.normalize, options.max_points, options.stratify, options.seed) == (False, None, None, 0)
    assert (options.standalone_config, options.base_url, options.write_tsv, options.pca_bookmark) == (True, "", True, True)
    assert (options.bookmarks, options.layouts, options.color_by) == ((), (), None)


def test_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        ExportOptions().normalize = True


def test_layouts_text_and_lists_become_one_tuple():
    assert ExportOptions(layouts="pca,tsne").layouts == ExportOptions(layouts=["pca", "tsne"]).layouts == ("pca", "tsne")
    assert ExportOptions(bookmarks=[]).bookmarks == ()


@pytest.mark.parametrize("keywords, message", [
    ({"normalise": True}, "unknown export option 'normalise': did you mean 'normalize'"),
    ({"max_point": 5}, "did you mean 'max_points'"),
    ({"zzz": 1}, "the options are normalize, max_points"),
])
def test_misspelt_option_names_the_closest(keywords, message):
    with pytest.raises(ExportError, match=message):
        ExportOptions.from_keywords(keywords)


@pytest.mark.parametrize("keywords, message", [
    ({"max_points": 1}, "max_points must be a whole number of at least 2"),
    ({"max_points": True}, "max_points must be a whole number"),
    ({"seed": 1.5}, "seed must be a whole number"),
    ({"stratify": "label"}, "stratify= only applies when sampling"),
    ({"bookmarks": {"label": "x"}}, "bookmarks must be a list"),
])
def test_bad_values_fail_when_built(keywords, message):
    with pytest.raises(ExportError, match=message):
        ExportOptions(**keywords)


@pytest.mark.parametrize("keywords", [
    {"normalise": True},
    {"max_points": 1},
    {"seed": "x"},
])
def test_callback_with_a_bad_option_fails_at_construction(tmp_path, keywords):
    with pytest.raises(ExportError, match="normalize|max_points|seed"):
        ProjectorCallback(tmp_path, "fit", embeddings={"embedding": WORDS}, **keywords)
    assert not (tmp_path / "fit").exists() or not any((tmp_path / "fit").iterdir())


def test_callback_stores_one_options_record(tmp_path):
    base = ExportOptions(normalize=True, seed=4)
    callback = ProjectorCallback(tmp_path, "fit", embeddings={"embedding": WORDS}, options=base, write_tsv=False,
                                 layouts="pca")
    assert callback.options == dataclasses.replace(base, write_tsv=False, layouts=("pca",))
    kept = ProjectorCallback(tmp_path, "fit", embeddings={"embedding": WORDS}, options=ExportOptions(layouts="pca"))
    assert kept.options.layouts == ("pca",)


def test_callback_refuses_layouts_with_sampling(tmp_path):
    with pytest.raises(ExportError, match="layouts= with max_points="):
        ProjectorCallback(tmp_path, "fit", embeddings={"embedding": WORDS}, layouts="pca", max_points=2)


def test_cli_built_options_equal_api_built_ones():
    args = build_parser().parse_args([
        "import", "v.npy", "--normalize", "--max-points", "50", "--stratify", "label", "--seed", "7",
        "--no-standalone", "--base-url", "http://h/run", "--no-tsv", "--no-pca-bookmark", "--layouts", "pca,tsne",
        "--color-by", "label",
    ])
    assert ExportOptions.from_arguments(args) == ExportOptions(
        normalize=True, max_points=50, stratify="label", seed=7, standalone_config=False, base_url="http://h/run",
        write_tsv=False, pca_bookmark=False, layouts=("pca", "tsne"), color_by="label")
    defaults = build_parser().parse_args(["import", "v.npy"])
    assert ExportOptions.from_arguments(defaults) == ExportOptions()


def test_options_and_keywords_write_the_same_export(tmp_path):
    vectors = np.random.default_rng(0).normal(size=(30, 8))
    labels = [f"w{i}" for i in range(30)]
    options = ExportOptions(max_points=10, seed=2, normalize=True, write_tsv=False)
    by_record = export_embeddings(vectors, labels, logdir=tmp_path, run="a", options=options)
    by_name = export_embeddings(vectors, labels, logdir=tmp_path, run="b", max_points=10, seed=2, normalize=True,
                                write_tsv=False)
    assert sorted(by_record.files) == sorted(by_name.files) and "vectors_tsv" not in by_record.files
    first, second = (run_folder.find_export(tmp_path, run, "embedding") for run in ("a", "b"))
    assert first.shape == second.shape == (10, 8)
    assert open(first.files["metadata"]).read() == open(second.files["metadata"]).read()


def test_keywords_replace_fields_of_the_options(tmp_path):
    result = export_embeddings(np.eye(4, 3), WORDS, logdir=tmp_path, options=ExportOptions(max_points=3), max_points=2)
    assert result.shape == (2, 3)
    with pytest.raises(ExportError, match="did you mean 'write_tsv'"):
        export_embeddings(np.eye(4, 3), WORDS, logdir=tmp_path, write_tvs=False)


def test_every_option_with_a_flag_is_spelled_after_its_field_and_defaults_as_the_record():
    import argparse

    parser = argparse.ArgumentParser()
    ExportOptions.add_arguments(parser)
    flags = {action.dest: action.option_strings for action in parser._actions if action.dest != "help"}
    fields = [field.name for field in dataclasses.fields(ExportOptions)]
    assert set(flags) == set(fields) - {"bookmarks"}  # bookmarks: states, built in code
    for field, (flag,) in flags.items():
        spelled = "--" + field.replace("_", "-")
        assert flag == spelled or flag.startswith("--no-") and getattr(ExportOptions(), field) is True, (field, flag)
    assert ExportOptions.from_arguments(parser.parse_args([])) == ExportOptions()


def test_add_arguments_adds_exactly_the_fields_named():
    import argparse

    def dests(fields):
        parser = argparse.ArgumentParser()
        ExportOptions.add_arguments(parser, fields)
        return {action.dest for action in parser._actions} - {"help"}

    assert dests([]) == set()
    assert dests(["max_points", "seed"]) == {"max_points", "seed"}
