"""`neighbours` on real users' labels (issue 21): the exact label first, and it says which row it used."""

import numpy as np
import pandas as pd

from exporter import export_embeddings
from exporter.cli import main


def _vec(path, words, vectors):
    path.write_text(f"{len(words)} {vectors.shape[1]}\n" + "".join(
        f"{w} {' '.join(map(str, v))}\n" for w, v in zip(words, vectors)))


def test_the_exact_label_wins_over_one_differing_in_case_and_a_case_match_says_so(tmp_path, capsys):
    # As in gensim's lee_fasttext.vec: both 'Government' (first) and 'government'.
    words = ["Government", "the", "government", "state", "cat", "nation"]
    vectors = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0.1, 0, 1], [0, 1, 0.1], [1, 0.1, 0]], np.float32)
    _vec(tmp_path / "words.vec", words, vectors)
    argv = ["--logdir", str(tmp_path / "logdir"), "--run", "r", "--name", "w"]
    assert main(["import", str(tmp_path / "words.vec"), *argv]) == 0
    capsys.readouterr()
    assert main(["neighbours", "government", "-k", "1", *argv]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[1].endswith("state") and "case" not in err, (out, err)  # government's, not Government's
    assert main(["neighbours", "CAT", "-k", "1", *argv]) == 0
    out, err = capsys.readouterr()
    assert "'CAT' is not a label, 'cat' is (case-insensitive match)" in err and out.splitlines()[1].endswith("the")


def test_a_label_several_rows_share_names_the_row_used_and_rows_can_be_picked(tmp_path, capsys):
    topics = ["sport", "world", "sport", "tech", "sport"]
    vectors = np.array([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9], [-1, 0.2]], np.float32)
    export_embeddings(vectors, pd.DataFrame({"text": list("abcde"), "topic": topics}), logdir=tmp_path, run="r",
                      name="t", normalize=True)
    argv = ["--logdir", str(tmp_path), "--run", "r", "--name", "t", "--label-column", "topic", "-k", "1"]
    assert main(["neighbours", "sport", *argv]) == 0
    out, err = capsys.readouterr()
    assert "3 rows are labelled 'sport' (rows 0, 2, 4): using row 0; pass --row N" in err, err
    assert out.splitlines()[1].endswith("world")  # row 0's neighbour
    assert main(["neighbours", "--row", "2", *argv]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "row 2 (sport):" and out.splitlines()[1].endswith("tech"), out
    assert main(["neighbours", "--row", "9", *argv]) == 2
    assert "rows 0 to 4" in capsys.readouterr().err
