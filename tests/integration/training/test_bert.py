"""`projector-train bert`, `projector-export text` and `neighbors` end to end on a tiny BERT, through a real TensorBoard."""

import os
import zlib

import numpy as np
import pandas as pd
import pytest

from exporter.run.folder import find_export
from exporter import export_embeddings
from exporter.cli import main as export_main
from models.bert.data import ALL_EMOTIONS, SAMPLE_DIR, load_goemotions
from models.cli import main as train_main
from tests.unit.exporter.sources.test_sentence_encoder import tiny_bert, write_tiny_bert  # noqa: F401  (a fixture and its builder)


def one_error_line(capsys):
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: "), err
    return err[0]


@pytest.fixture(scope="module")
def tiny_goemotions(tmp_path_factory):
    """The bundled sample cut to 4 emotions, 12 train and 6 test examples each."""
    folder = tmp_path_factory.mktemp("goemotions")
    wanted = {str(ALL_EMOTIONS.index(e)) for e in ("joy", "sadness", "love", "neutral")}
    for split, size in (("train", 12), ("test", 6)):
        frame = pd.read_csv(os.path.join(SAMPLE_DIR, f"{split}.tsv"), sep="\t", header=None, dtype=str)
        frame = frame[frame[1].isin(wanted)].groupby(1).head(size)
        frame.to_csv(folder / f"{split}.tsv", sep="\t", header=False, index=False)
    return folder


def test_bundled_sample_is_single_label_shuffled_and_balanced():
    test = load_goemotions(SAMPLE_DIR, "test")
    assert set(test["emotion"]) == {"joy", "sadness", "curiosity", "neutral", "love", "amusement", "embarrassment"}
    assert test["emotion"].value_counts().max() == 30
    assert not test.equals(load_goemotions(SAMPLE_DIR, "test", seed=1))


def test_raw_csv_keeps_comments_two_raters_agree_on(tmp_path):
    in_train = [i for i in (f"c{n}" for n in range(50)) if zlib.crc32(i.encode()) % 10 >= 2]  # the loader's split
    rows = []
    for comment, votes in zip(in_train, (["joy", "joy", "love"], ["joy", "joy", "love", "love"], ["sadness"] * 3)):
        for emotion in votes:
            rows.append({"text": f"text of {comment}", "id": comment, **{e: int(e == emotion) for e in ALL_EMOTIONS}})
    path = tmp_path / "goemotions_1.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    examples = load_goemotions(str(path), "train", ("joy", "sadness", "love")).sort_values("text")
    # The second comment has two agreed emotions: not single-label.
    assert examples.values.tolist() == [[f"text of {in_train[0]}", "joy"], [f"text of {in_train[2]}", "sadness"]]


def test_unknown_emotion_is_one_line_and_writes_nothing(tmp_path, capsys):
    assert train_main(["bert", "--emotions", "joy,happyness", "--logdir", str(tmp_path / "logs")]) == 2
    assert "unknown emotion 'happyness'" in one_error_line(capsys)
    assert not (tmp_path / "logs").exists()


def test_train_exports_before_and_after_with_aligned_labels_served_by_tensorboard(
    tiny_bert, tiny_goemotions, tensorboard, capsys  # noqa: F811
):
    logdir = tensorboard.logdir
    assert train_main(["bert", "--data", str(tiny_goemotions), "--bert", str(tiny_bert), "--epochs", "1",
                       "--logdir", logdir, "--run", "emotions"]) == 0
    assert "test accuracy" in capsys.readouterr().out
    assert os.path.getsize(os.path.join(logdir, "emotions", "emotion_classifier.keras")) > 0
    tensorboard.wait_for_tensor("emotions", "flatten_before", shape=[24, 32])
    tensorboard.wait_for_tensor("emotions", "flatten_after", shape=[24, 32])
    before, after = (tensorboard.tensor("emotions", n) for n in ("flatten_before", "flatten_after"))
    assert not np.allclose(before, after)  # fine-tuning moved the [CLS] vectors
    header, rows = tensorboard.metadata("emotions", "flatten_before")
    assert header == ["text", "emotion", "predicted", "confidence", "correct", "tokens"]
    after_header, after_rows = tensorboard.metadata("emotions", "flatten_after")  # aligned to before
    assert after_header == [*header, "neighbours_kept"] and [row[:-1] for row in after_rows] == rows
    assert all(0 <= float(row[-1]) <= 1 for row in after_rows)
    test = load_goemotions(str(tiny_goemotions), "test")
    assert [row[1] for row in rows] == test["emotion"].tolist()
    assert all(row[4] == ("yes" if row[1] == row[2] else "no") for row in rows)


def test_text_command_embeds_a_csv_with_labels_and_lengths(tiny_bert, tmp_path, capsys):  # noqa: F811
    path = tmp_path / "reviews.csv"
    pd.DataFrame({"review": ["i love it", "i hate it", "so sad, a dog"], "stars": [5, 1, 2]}).to_csv(path, index=False)
    assert export_main(["text", str(path), "--text-column", "review", "--label-column", "stars", "--bert",
                        str(tiny_bert), "--logdir", str(tmp_path / "logs"), "--run", "reviews"]) == 0
    files = find_export(str(tmp_path / "logs"), "reviews", "sentences").files
    lines = open(files["metadata"]).read().splitlines()
    assert lines == ["text\tstars\ttokens", "i love it\t5\t5", "i hate it\t1\t5", "so sad, a dog\t2\t7"]
    vectors = np.fromfile(files["vectors_bytes"], np.float32).reshape(3, 32)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)


def test_text_word_mode_drops_repeats(tiny_bert, tmp_path):  # noqa: F811
    path = tmp_path / "words.txt"
    path.write_text("king\nqueen\n\nking\nman\nwoman\n")
    assert export_main(["text", str(path), "--words", "--bert", str(tiny_bert), "--logdir", str(tmp_path),
                        "--run", "w", "--name", "words"]) == 0
    assert open(find_export(str(tmp_path), "w", "words").files["metadata"]).read() == "king\nqueen\nman\nwoman\n"


def test_non_utf8_file_is_one_line_and_writes_nothing(tmp_path, capsys):
    path = tmp_path / "latin1.csv"
    path.write_bytes("text\ncaf\xe9 au lait\n".encode("latin-1"))
    assert export_main(["text", str(path), "--text-column", "text", "--logdir", str(tmp_path / "logs")]) == 2
    assert "not UTF-8" in one_error_line(capsys)
    assert not (tmp_path / "logs").exists()


def test_empty_text_in_a_csv_is_one_line(tmp_path, capsys):
    path = tmp_path / "texts.csv"
    path.write_text('text\nhello\n""\n')
    assert export_main(["text", str(path), "--text-column", "text", "--logdir", str(tmp_path / "logs")]) == 2
    assert "1 texts are empty (rows 1)" in one_error_line(capsys)
    assert not (tmp_path / "logs").exists()


@pytest.fixture
def royal_export(tmp_path):
    """Words whose vectors make king - man + woman exactly queen."""
    royal, male, female, other = np.eye(4)
    words = {"king": royal + male, "queen": royal + female, "man": male, "woman": female,
             "prince": royal + male + 0.3 * other, "apple": other}
    export_embeddings(np.array(list(words.values())), list(words), logdir=str(tmp_path), run="words", name="words")
    return tmp_path


def test_neighbors_answers_king_minus_man_plus_woman(royal_export, capsys):
    assert export_main(["neighbors", "king - man + woman", "-k", "2", "--logdir", str(royal_export),
                        "--run", "words", "--name", "words"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "king - man + woman:"
    first, second = lines[1].split(), lines[2].split()
    assert first[2] == "queen" and second[2] == "prince"  # the query's own words are skipped
    assert float(first[1]) > float(second[1])


def test_neighbors_adds_a_labelled_interpolation_path(royal_export, capsys):
    assert export_main(["neighbors", "--path", "man", "woman", "--steps", "3", "--logdir", str(royal_export),
                        "--run", "words", "--name", "words"]) == 0
    labels = open(find_export(str(royal_export), "words", "words").files["metadata"]).read().splitlines()
    assert labels[6:] == [f"path {i}/2: man -> woman" for i in range(3)]
    vectors = np.fromfile(find_export(str(royal_export), "words", "words").files["vectors_bytes"], np.float32).reshape(9, 4)
    np.testing.assert_allclose(vectors[7], np.array([0, 1, 1, 0]) / np.sqrt(2), atol=1e-6)


def test_neighbors_on_a_missing_tensor_is_one_line(royal_export, capsys):
    assert export_main(["neighbors", "king", "--logdir", str(royal_export), "--run", "words", "--name", "nope"]) == 2
    assert "no tensor 'nope'" in one_error_line(capsys)
