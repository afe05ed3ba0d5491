"""Ground truth: word2vec learns the proximity language's alphabet and nothing from the random one."""

import glob
import os
import subprocess
import sys

import numpy as np
import pytest

from exporter.run import folder as run_folder
from models.word2vec.ground_truth import chance_level, nearest_neighbours, neighbours_within, p_value
from models.word2vec.train import train, word_vectors

SMALL = {"num_sentences": 2000, "epochs": 8, "seed": 0, "verbose": 0}  # the demo size: ~3 s each


@pytest.fixture(scope="module")
def trained():
    return {language: word_vectors(train(language, **SMALL)) for language in ("proximity", "random")}


def test_proximity_language_puts_both_nearest_neighbours_within_two_letters(trained):
    vectors = trained["proximity"]
    assert neighbours_within(vectors) >= 0.9
    assert p_value(vectors) < 0.01
    bbb_neighbours = set(nearest_neighbours(vectors, k=2)[1])
    assert bbb_neighbours <= {0, 2, 3}  # aaa, ccc, ddd


def test_random_language_is_no_better_than_chance(trained):
    vectors = trained["random"]
    assert p_value(vectors) > 0.05, neighbours_within(vectors)
    assert neighbours_within(vectors) <= 0.2


def test_chance_level_matches_random_vectors():
    rng = np.random.default_rng(0)
    scores = [neighbours_within(rng.normal(size=(26, 16))) for _ in range(3000)]
    assert np.mean(scores) == pytest.approx(chance_level(26), abs=0.004)


def test_projector_train_word2vec_command(tmp_path):
    command = [
        os.path.join(os.path.dirname(sys.executable), "projector-train"), "word2vec", "--language", "proximity",
        "--epochs", "3", "--sentences", "300", "--keep", "2", "--logdir", str(tmp_path),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2"))
    assert done.returncode == 0, done.stderr[-2000:]
    assert "proximity: both nearest neighbours within 2 letters for" in done.stdout
    snapshots = sorted(run_folder.list_exports(tmp_path, "word2vec-proximity"), key=lambda export: export.name)
    assert [export.name for export in snapshots] == ["embedding.epoch-002", "embedding.epoch-003"]
    for export in snapshots:
        assert open(os.path.join(export.folder, "pca.png"), "rb").read()[:4] == b"\x89PNG"
    assert len(glob.glob(str(tmp_path / "**" / "pca.png"), recursive=True)) == 2  # removed snapshots took theirs along


def test_bad_option_is_one_error_line_and_writes_nothing(tmp_path):
    command = [os.path.join(os.path.dirname(sys.executable), "projector-train"), "word2vec", "--words", "30",
               "--logdir", str(tmp_path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == "error: num_words is 30: the languages have between 2 and 26 words"
    assert list(tmp_path.iterdir()) == []
