"""The AG News / DBpedia loaders: the bundled sample, the official format, and every bad input."""

import csv
import gzip
import os

import pytest

from exporter.errors import ExportError
from models.softmax.data import SAMPLE_DIR, load_news

SHARED_AG_NEWS = "/work/shared/data/ag_news"
DBPEDIA_CLASSES = [
    "Company", "EducationalInstitution", "Artist", "Athlete", "OfficeHolder", "MeanOfTransportation", "Building",
    "NaturalPlace", "Village", "Animal", "Plant", "Album", "Film", "WrittenWork",
]


def write_folder(folder, train_rows, test_rows, classes=("World", "Sports"), *, gzipped=False):
    """A dataset folder in the official format: quoted `class,title,content` rows, classes.txt."""
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "classes.txt"), "w") as f:
        f.write("".join(f"{name}\n" for name in classes))
    for split, rows in (("train", train_rows), ("test", test_rows)):
        path = os.path.join(folder, f"{split}.csv" + (".gz" if gzipped else ""))
        with (gzip.open(path, "wt", newline="") if gzipped else open(path, "w", newline="")) as f:
            csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
    return str(folder)


def test_bundled_sample_is_balanced_ag_news_and_small():
    news = load_news()
    assert news.class_names == ["World", "Sports", "Business", "Sci/Tech"]
    assert list(news.train.columns) == ["label", "title", "content"]
    assert news.train["label"].value_counts().to_dict() == {0: 1500, 1: 1500, 2: 1500, 3: 1500}
    assert news.test["label"].value_counts().to_dict() == {0: 300, 1: 300, 2: 300, 3: 300}
    assert (news.train["title"].str.len() > 0).all()
    size = sum(os.path.getsize(os.path.join(SAMPLE_DIR, name)) for name in os.listdir(SAMPLE_DIR))
    assert size <= 800_000
    assert "Zhang" in open(os.path.join(SAMPLE_DIR, "ATTRIBUTION.md")).read()


def test_train_rows_are_shuffled_with_the_seed():
    first, again, other = load_news(seed=0), load_news(seed=0), load_news(seed=1)
    assert first.train["title"].tolist() == again.train["title"].tolist()
    assert first.train["title"].tolist() != other.train["title"].tolist()
    assert sorted(first.train["title"]) == sorted(other.train["title"])
    # The bundled file is sorted by nothing in particular, but the shuffle must mix classes early on.
    assert first.train["label"].iloc[:40].nunique() == 4


@pytest.mark.skipif(not os.path.isdir(SHARED_AG_NEWS), reason="no ../shared/data/ag_news here")
def test_shared_copy_loads_with_its_train_sample_name():
    news = load_news(SHARED_AG_NEWS)
    assert (len(news.train), len(news.test)) == (20_000, 7_600)
    assert news.test["title"].iloc[0] == "Fears for T N pension after talks"
    assert news.test["label"].iloc[0] == 2  # "3" is Business


def test_dbpedia_format_with_14_classes(tmp_path):
    # DBpedia's rows: class 1..14, a title, and content with commas, quotes and a leading space.
    rows = [
        [str(c), f"Title {c}, part \"{i}\"", f" Content of class {c}, with \"quotes\", commas."]
        for c in range(1, 15) for i in range(3)
    ]
    folder = write_folder(tmp_path / "dbpedia_csv", rows, rows[::3], DBPEDIA_CLASSES)
    news = load_news(folder, dataset="dbpedia")
    assert news.class_names == DBPEDIA_CLASSES
    assert sorted(news.train["label"].unique()) == list(range(14))
    row = news.test.iloc[13]
    assert (row["label"], row["title"]) == (13, 'Title 14, part "0"')
    assert row["content"] == ' Content of class 14, with "quotes", commas.'


def test_gzipped_files_and_a_header_row(tmp_path):
    rows = [["Class Index", "Title", "Description"], ["1", "a", "b"], ["2", "c", "d"]]
    news = load_news(write_folder(tmp_path, rows, rows, gzipped=True))
    assert news.test["label"].tolist() == [0, 1]
    assert news.test["title"].tolist() == ["a", "c"]


def bad_folder(tmp_path, case):
    good = [["1", "a", "b"], ["2", "c", "d"]]
    folder = write_folder(tmp_path / case, good, good)
    train = os.path.join(folder, "train.csv")
    if case == "empty":
        open(train, "w").close()
    elif case == "unreadable":
        with open(train, "wb") as f:
            f.write(b'"1","\xff\xfe\x00 binary","x"\n')
    elif case == "missing column":
        write_folder(folder, [["1", "only a title"], ["2", "another"]], good)
    elif case == "single class":
        write_folder(folder, [["1", "a", "b"], ["1", "c", "d"]], good)
    elif case == "unknown class":
        write_folder(folder, [["1", "a", "b"], ["3", "c", "d"]], good)
    elif case == "no classes.txt":
        os.unlink(os.path.join(folder, "classes.txt"))
    elif case == "no test file":
        os.unlink(os.path.join(folder, "test.csv"))
    return folder


@pytest.mark.parametrize("case, message", [
    ("empty", "train.csv: the file is empty"),
    ("unreadable", "train.csv: unreadable"),
    ("missing column", "rows have 2 column(s), expected 3"),
    ("single class", "train.csv: every row holds the same class (World)"),
    ("unknown class", "row 2 has class '3', but classes.txt names classes 1..2"),
    ("no classes.txt", "classes.txt: missing"),
    ("no test file", "expected one test.csv"),
])
def test_bad_input_is_one_clear_line(tmp_path, case, message):
    with pytest.raises(ExportError) as error:
        load_news(bad_folder(tmp_path, case))
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_not_a_folder(tmp_path):
    with pytest.raises(ExportError, match="not a folder"):
        load_news(str(tmp_path / "nowhere"))
