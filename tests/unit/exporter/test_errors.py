"""Issue 12: inputs real users have, each class one clear line or a correct export, never a traceback."""

import os

import numpy as np
import pytest

from exporter import ExportError, ExportWarning, export_embeddings, validate_logdir
from tests.support.data import export_file

pytestmark = pytest.mark.filterwarnings("ignore:.*hint:exporter.errors.ExportWarning")


def export(tmp_path, vectors, metadata, **options):
    return export_embeddings(vectors, metadata, logdir=str(tmp_path / "logdir"), run="r", name="t", **options)


def test_number_like_text_cells_are_named_by_the_exporter_and_validate(tmp_path):
    """The frontend shows any cell Number() parses as that number: `007` as 7, `0x1F` as 31."""
    words = ["007", "0x1F", "1e3", "1.50", "cat", "12", "0.25", " 5", "Infinity", "1e21"]
    with pytest.warns(ExportWarning) as caught:
        export(tmp_path, np.random.rand(10, 3), {"word": words, "count": list(range(10))})
    message = next(str(w.message) for w in caught if "look like numbers" in str(w.message))
    for shown in ("row 0 (word) '007' shows as '7'", "row 1 (word) '0x1F' shows as '31'",
                  "'1e3' shows as '1000'", "'1.50' shows as '1.5'", "(1 more)"):
        assert shown in message, message
    assert "'cat'" not in message and "'12'" not in message and "'0.25'" not in message
    assert message.startswith("t: 6 cell(s)")
    warnings = [f for f in validate_logdir(tmp_path / "logdir").findings if "look like numbers" in f.message]
    assert len(warnings) == 1 and warnings[0].line == 2, warnings  # line 1 is the header
    assert "line 2 (word) '007' shows as '7'" in warnings[0].message and "6 cell(s)" in warnings[0].message


@pytest.mark.parametrize("max_points", [0, -3, 1, 2.5])
def test_max_points_below_two_is_one_clear_error(tmp_path, max_points):
    with pytest.raises(ExportError, match=f"max_points must be a whole number of at least 2.*got {max_points}"):
        export(tmp_path, np.random.rand(10, 3), None, max_points=max_points)
    assert not (tmp_path / "logdir" / "r").exists()


def test_lone_surrogates_in_labels_or_column_names_are_refused_or_replaced(tmp_path):
    with pytest.raises(ExportError, match=r"column 'label', row 2: .* lone surrogate.*unicode_errors='replace'"):
        export(tmp_path, np.random.rand(3, 3), ["a", "b", "caf\udce9"])
    with pytest.raises(ExportError, match="a column name"):
        export(tmp_path, np.random.rand(3, 3), {"x\ud800": ["a", "b", "c"], "y": ["d", "e", "f"]})
    export(tmp_path, np.random.rand(3, 3), ["a", "b", "caf\udce9"], unicode_errors="replace")
    lines = open(export_file(tmp_path / "logdir", "r", "t"), encoding="utf-8").read().splitlines()
    assert lines == ["a", "b", "caf\ufffd"]


def test_names_too_long_for_the_file_system_are_one_clear_error(tmp_path):
    with pytest.raises(ExportError, match="tensor name 'nnnn.*is 300 bytes.*shorter name"):
        export_embeddings(np.random.rand(3, 3), None, logdir=str(tmp_path), run="r", name="n" * 300)
    with pytest.raises(ExportError, match="run name part 'rrrr.*is 300 bytes"):
        export_embeddings(np.random.rand(3, 3), None, logdir=str(tmp_path), run="a/" + "r" * 300, name="t")
    assert os.listdir(tmp_path) == []


def cli(capsys, *argv):
    """(exit status, stdout, the `error:` lines) of one `projector-export` command; never a traceback."""
    from exporter.cli import main

    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return status, out, [line for line in err.splitlines() if line.startswith("error: ")]


def fasttext_vec(path):
    """A fastText .vec whose 3rd word is cut inside a UTF-8 character (as in gensim's pang_lee_polarity_fasttext.vec)."""
    words = [b"the", b"movie", "caf\u00e9".encode()[:-1], "\u2014".encode()[1:], b"end"]
    rows = [word + b" " + b" ".join(b"%.4f" % v for v in np.random.rand(4)) + b" \n" for word in words]
    path.write_bytes(b"5 4\n" + b"".join(rows))
    return 4 + len(rows[0]) + len(rows[1]) + 3  # offset of the first bad byte


@pytest.mark.parametrize("command", ["import", "checkpoint", "inspect"])
def test_vector_files_with_bytes_that_are_not_utf8(tmp_path, capsys, command):
    vec = tmp_path / "cut.vec"
    offset = fasttext_vec(vec)
    where = [] if command == "inspect" else ["--logdir", tmp_path / "logdir"]
    status, _, errors = cli(capsys, command, vec, *where)
    assert status == 2 and errors == [
        f"error: {vec}: not UTF-8: byte {offset} (line 4) is 0xc3 (Latin-1 or Windows-1252 text, or a UTF-8 "
        "character cut in the middle as fastText does?): save it as UTF-8, or pass --unicode-errors replace (unicode_errors='replace') to read such bytes as U+FFFD"]
    status, out, errors = cli(capsys, command, vec, *where, "--unicode-errors", "replace")
    assert status == 0 and not errors
    if command == "inspect":
        assert "5 entries ['the', 'movie', 'caf\ufffd', '\ufffd\ufffd', 'end']" in out
    else:
        labels = open(export_file(tmp_path / "logdir", "default", "embedding"), encoding="utf-8").read().splitlines()
        assert labels == ["the", "movie", "caf\ufffd", "\ufffd\ufffd", "end"]


@pytest.mark.parametrize("suffix,text", [(".txt", "caf\u00e9\nna\u00efve\nx\n"),
                                         (".tsv", "word\tn\ncaf\u00e9\t1\nna\u00efve\t2\nx\t3\n"),
                                         (".csv", "word,n\ncaf\u00e9,1\nna\u00efve,2\nx,3\n")])
def test_metadata_in_latin1_is_named_and_utf16_is_read(tmp_path, capsys, suffix, text):
    np.save(tmp_path / "v.npy", np.random.rand(3, 4))
    logdir = tmp_path / "logdir"
    (tmp_path / f"latin1{suffix}").write_bytes(text.encode("latin-1"))
    status, _, errors = cli(capsys, "import", tmp_path / "v.npy", "--metadata", tmp_path / f"latin1{suffix}",
                            "--logdir", logdir)
    line = 1 if suffix == ".txt" else 2
    byte = text.encode("latin-1").index(b"\xe9")
    assert status == 2 and len(errors) == 1 and f"not UTF-8: byte {byte} (line {line}) is 0xe9" in errors[0]
    assert not (logdir / "default" / "projector_config.pbtxt").exists()
    assert cli(capsys, "import", tmp_path / "v.npy", "--metadata", tmp_path / f"latin1{suffix}", "--logdir", logdir,
               "--unicode-errors", "replace")[0] == 0
    assert "caf\ufffd" in open(export_file(logdir, "default", "embedding"), encoding="utf-8").read()
    (tmp_path / f"utf16{suffix}").write_bytes(text.encode("utf-16"))
    assert cli(capsys, "import", tmp_path / "v.npy", "--metadata", tmp_path / f"utf16{suffix}", "--logdir", logdir,
               "--name", "u")[0] == 0
    assert "caf\u00e9" in open(export_file(logdir, "default", "u"), encoding="utf-8").read()


def test_npy_files_that_are_not_plain_matrices(tmp_path, capsys):
    np.save(tmp_path / "structured.npy", np.zeros(3, dtype=[("x", "f4"), ("y", "f4")]))
    with open(tmp_path / "petabytes.npy", "wb") as f:
        np.lib.format.write_array_header_1_0(f, {"descr": "<f8", "fortran_order": False, "shape": (10**15, 4)})
        f.write(b"\0" * 64)
    (tmp_path / "garbage.npy").write_bytes(b"\x93NUMPY\x01\x00\xff\xffnot a header")
    expected = {"structured.npy": "holds [('x', '<f4'), ('y', '<f4')] values, not real numbers",
                "petabytes.npy": "header promises a 1000000000000000 x 4 float64 array (32,000,000,000,000,128 bytes)"
                                 " but the file has 192 bytes",
                "garbage.npy": "not a .npy file"}
    for name, message in expected.items():
        status, _, errors = cli(capsys, "import", tmp_path / name, "--logdir", tmp_path / "logdir")
        assert status == 2 and len(errors) == 1 and message in errors[0], errors


def test_truncated_word2vec_text_is_refused_with_both_numbers(tmp_path, capsys):
    (tmp_path / "cut.vec").write_text("1750 3\n" + "".join(f"w{i} 1 2 {i}\n" for i in range(100)))
    for command in ("import", "checkpoint"):
        status, _, errors = cli(capsys, command, tmp_path / "cut.vec", "--logdir", tmp_path / "logdir")
        assert status == 2 and len(errors) == 1, errors
        assert "header promises 1750 rows but the file has 100" in errors[0] and "'100 3'" in errors[0]
    assert not (tmp_path / "logdir" / "default" / "projector_config.pbtxt").exists()


def test_import_reads_word2vec_binary(tmp_path, capsys):
    from exporter.sources.word_vectors import write_word2vec_binary

    vectors = np.random.rand(3, 4).astype(np.float32)
    write_word2vec_binary(tmp_path / "vectors.w2v", ["cat", "dog", "cow"], vectors)  # no .bin: sniffed
    assert cli(capsys, "import", tmp_path / "vectors.w2v", "--logdir", tmp_path / "logdir")[0] == 0
    logdir = tmp_path / "logdir"
    assert open(export_file(logdir, "default", "embedding"), encoding="utf-8").read() == "cat\ndog\ncow\n"
    written = np.fromfile(export_file(logdir, "default", "embedding", "vectors_bytes"), "<f4")
    np.testing.assert_array_equal(written.reshape(3, 4), vectors)


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MB tmpfs (we run as root in CI; skipped where mounting is not allowed), unmounted afterwards."""
    import subprocess

    mount = tmp_path / "disk"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN); see test_file_size_limit_is_one_line")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=True)


def assert_previous_export_intact(logdir, vectors):
    from exporter.run.folder import read_export

    np.testing.assert_allclose(read_export(str(logdir), "r", "w").vectors, vectors, rtol=1e-6)
    assert validate_logdir(logdir).ok


def test_full_and_read_only_disk_are_one_line_and_keep_the_previous_export(small_disk, tmp_path, capsys):
    logdir = small_disk / "logdir"
    small, large = np.random.rand(50, 8).astype(np.float32), np.random.rand(20_000, 16)
    np.save(tmp_path / "small.npy", small)
    np.save(tmp_path / "large.npy", large)
    command = ["import", "--logdir", logdir, "--run", "r", "--name", "w"]
    assert cli(capsys, *command[:1], tmp_path / "small.npy", *command[1:])[0] == 0
    status, _, errors = cli(capsys, *command[:1], tmp_path / "large.npy", *command[1:])
    assert status == 2 and errors == [f"error: No space left on device: {logdir}: free some space there or pass "
                                      "another --logdir (a failed export leaves the previous one as it was)"]
    assert_previous_export_intact(logdir, small)
    import subprocess

    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    status, _, errors = cli(capsys, *command[:1], tmp_path / "small.npy", *command[1:], "--name", "other")
    assert status == 2 and len(errors) == 1 and errors[0].startswith("error: Read-only file system: ")
    assert "pass a --logdir on a writable disk" in errors[0]
    assert_previous_export_intact(logdir, small)


def test_file_size_limit_is_one_line(tmp_path):
    """Full disk without mounting anything: RLIMIT_FSIZE makes writes fail (EFBIG) the way a full disk does (ENOSPC)."""
    import subprocess
    import sys

    np.save(tmp_path / "small.npy", np.random.rand(50, 8))
    np.save(tmp_path / "large.npy", np.random.rand(20_000, 16))
    command = [os.path.join(os.path.dirname(sys.executable), "projector-export"), "import", "--logdir",
               str(tmp_path / "logdir"), "--run", "r", "--name", "w"]
    assert subprocess.run([*command, str(tmp_path / "small.npy")], capture_output=True).returncode == 0

    def limit():
        import resource
        import signal

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))

    done = subprocess.run([*command, str(tmp_path / "large.npy")], capture_output=True, text=True, preexec_fn=limit)
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert errors == [f"error: File too large: {tmp_path / 'logdir'}: the file is larger than this system allows: "
                      "export fewer rows (--max-points N) (a failed export leaves the previous one as it was)"]
    assert_previous_export_intact(tmp_path / "logdir", np.load(tmp_path / "small.npy"))


def test_optimizer_slots_are_not_offered_as_exportable_tensors(tmp_path, capsys):
    """A TF1 Saver checkpoint holds `<variable>/Adam` and `/Adam_1` (and `/Momentum`) of the embedding's shape."""
    import tensorflow as tf

    tf1 = tf.compat.v1
    with tf.Graph().as_default():
        embedding = tf1.get_variable("embedding/embeddings", shape=(30, 8))
        kernel = tf1.get_variable("dense/kernel", shape=(8, 2))
        ids = tf1.placeholder(tf.int32, (None,))
        loss = tf.reduce_sum(tf.matmul(tf.nn.embedding_lookup(embedding, ids), kernel))
        steps = [tf1.train.AdamOptimizer().minimize(loss), tf1.train.MomentumOptimizer(0.1, 0.9).minimize(loss)]
        with tf1.Session() as session:
            session.run(tf1.global_variables_initializer())
            session.run(steps, {ids: [1, 2]})
            tf1.train.Saver().save(session, str(tmp_path / "ckpt" / "model.ckpt"))
    status, out, _ = cli(capsys, "inspect", tmp_path / "ckpt")
    listed = out.split("other tensors")[0]
    assert status == 0 and "embedding/embeddings  30 x 8" in listed and "dense/kernel  8 x 2" in listed
    assert "Adam" not in listed and "Momentum" not in listed and "(6 optimizer state," in out
    out = cli(capsys, "inspect", tmp_path / "ckpt", "--all")[1]
    assert "embedding/embeddings/Adam_1  30 x 8  float32  (optimizer state of embedding/embeddings)" in out
    status, _, errors = cli(capsys, "checkpoint", tmp_path / "ckpt", "--tensor", "embeddings", "--logdir",
                            tmp_path / "logdir")
    assert status == 0 and not errors  # not "ambiguous": the slots are not candidates
    status, _, errors = cli(capsys, "checkpoint", tmp_path / "ckpt", "--tensor", "embedding/embeddings/Adam",
                            "--logdir", tmp_path / "slot")
    assert status == 2 and "optimizer state of embedding/embeddings" in errors[0] and "--all" in errors[0], errors
    assert cli(capsys, "checkpoint", tmp_path / "ckpt", "--tensor", "embedding/embeddings/Adam", "--all",
               "--logdir", tmp_path / "slot")[0] == 0


def test_fix_on_an_embedding_larger_than_its_metadata_names_the_file_and_the_way_forward(tmp_path, capsys):
    """Keras' usual case: TextVectorization(max_tokens=50) saw 10 words, Embedding(50, 8) has 40 rows without one."""
    import shutil

    import keras

    vectorizer = keras.layers.TextVectorization(max_tokens=50, output_sequence_length=4)
    vectorizer.adapt("the cat sat on a mat with dog".split())
    vocabulary = vectorizer.get_vocabulary()
    ids = keras.Input((4,), dtype="int64")
    pooled = keras.layers.GlobalAveragePooling1D()(keras.layers.Embedding(50, 8, name="embedding")(ids))
    model = keras.Model(ids, keras.layers.Dense(2)(pooled))
    model.compile("adam", "mse")
    logs = tmp_path / "logs"
    callback = keras.callbacks.TensorBoard(str(logs), embeddings_freq=1, embeddings_metadata={"embedding": "words.tsv"})
    model.fit(np.random.randint(0, 10, (8, 4)), np.zeros((8, 2)), epochs=1, verbose=0, callbacks=[callback])
    (logs / "words.tsv").write_text("".join((token or "[PAD]") + "\n" for token in vocabulary), encoding="utf-8")
    shutil.copytree(logs, tmp_path / "copy")

    status, _, errors = cli(capsys, "fix", logs)
    assert status == 2 and len(errors) == 1, errors
    assert f"{logs / 'words.tsv'} has 10 entries" in errors[0] and "Embedding layer 'embedding'" in errors[0]
    assert "has 50 rows" in errors[0] and "--vocab-trim exports only the first 10 rows" in errors[0]
    assert "--vocab-pad labels the other 40 '[row 10]' to '[row 49]'" in errors[0]
    # Fixed another way (the train run exported by hand): the callback's config left behind does not fail validate.
    snapshot = next((logs / "train").glob("keras_embedding.ckpt-*.weights.h5"))
    assert cli(capsys, "checkpoint", snapshot, "--tensor", "embedding", "--vocab", logs / "words.tsv", "--vocab-trim",
               "--logdir", logs, "--run", "train", "--name", "embedding")[0] == 0
    report = validate_logdir(logs)
    assert report.ok and any("projector-export fix --logdir" in f.fix for f in report.findings)

    assert cli(capsys, "fix", tmp_path / "copy", "--vocab-pad")[0] == 0
    assert validate_logdir(tmp_path / "copy").ok
    from tests.support.data import export_file

    labels = open(export_file(tmp_path / "copy", "train", "embedding"), encoding="utf-8").read().splitlines()
    assert labels == ["[PAD]", *vocabulary[1:], *(f"[row {i}]" for i in range(10, 50))]


TUTORIAL = '''"""keras.io "Text classification from scratch", small: the user's module."""
import re
import string

import keras
import tensorflow as tf


@keras.saving.register_keras_serializable()
def custom_standardization(input_data):
    lowercase = tf.strings.lower(input_data)
    stripped_html = tf.strings.regex_replace(lowercase, "<br />", " ")
    return tf.strings.regex_replace(stripped_html, f"[{re.escape(string.punctuation)}]", "")


def build(texts, standardize=custom_standardization, max_features=200, embedding_dim=8, sequence_length=40):
    from keras import layers

    vectorize_layer = keras.layers.TextVectorization(standardize=standardize, max_tokens=max_features,
                                                     output_mode="int", output_sequence_length=sequence_length)
    vectorize_layer.adapt(texts)
    inputs = keras.Input(shape=(None,), dtype="int64")
    x = layers.Embedding(max_features, embedding_dim)(inputs)
    x = layers.Dropout(0.5)(x)
    x = layers.Conv1D(16, 7, padding="valid", activation="relu", strides=3)(x)
    x = layers.Conv1D(16, 7, padding="valid", activation="relu", strides=3)(x)
    x = layers.GlobalMaxPooling1D()(x)
    x = layers.Dense(16, activation="relu")(x)
    x = layers.Dropout(0.5)(x)
    predictions = layers.Dense(1, activation="sigmoid", name="predictions")(x)
    model = keras.Model(inputs, predictions)
    inputs = keras.Input(shape=(1,), dtype="string")
    indices = vectorize_layer(inputs)
    outputs = model(indices)
    return keras.Model(inputs, outputs)
'''
REVIEWS = ["A great movie <br /> truly!", "bad film, awful plot", "the best thing ever", "boring and long",
           "great acting, weak plot", "I loved every minute"]


@pytest.fixture(scope="module")
def tutorial(tmp_path_factory):
    """The tutorial's end-to-end model saved twice: with its registered custom_standardization, and without."""
    import importlib.util

    folder = tmp_path_factory.mktemp("tutorial")
    (folder / "tutorial.py").write_text(TUTORIAL)
    spec = importlib.util.spec_from_file_location("tutorial", folder / "tutorial.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    texts = np.array(REVIEWS * 4)
    module.build(texts).save(folder / "custom.keras")
    plain = module.build(texts, standardize="lower_and_strip_punctuation")
    plain.save(folder / "plain.keras")
    (folder / "reviews.csv").write_text("text\n" + "".join(f'"{r}"\n' for r in REVIEWS))
    return folder, plain


def test_nested_layers_are_reachable_by_unique_name_and_by_path(tutorial, tmp_path, capsys):
    import keras

    folder, plain = tutorial
    outer, vectorizer, inner = plain.layers
    pooling = next(layer.name for layer in inner.layers if layer.name.startswith("global_max_pooling1d"))
    logdir = tmp_path / "logdir"
    command = ["activations", folder / "plain.keras", "--data", folder / "reviews.csv", "--text-column", "text",
               "--logdir", logdir]
    for name, layer in [(pooling, pooling), (f"{inner.name}/{pooling}", pooling), (inner.name, None)]:
        status, _, errors = cli(capsys, *command, "--layer", name, "--name", "n", "--normalize")
        if layer is None:  # the nested model itself: its (N, 1) output is too narrow for the projector, said so
            assert status == 2 and "at least 2 dimensions, got 6 x 1" in errors[0]
            continue
        assert status == 0, errors
        ids = vectorizer(np.array(REVIEWS)[:, None])
        expected = keras.Model(inner.inputs, inner.get_layer(layer).output).predict(ids, verbose=0)
        expected /= np.linalg.norm(expected, axis=1, keepdims=True)
        from exporter.run.folder import read_export

        np.testing.assert_allclose(read_export(str(logdir), "default", "n").vectors, expected, rtol=1e-5, atol=1e-6)
    status, _, errors = cli(capsys, *command, "--layer", "pooling")
    assert status == 2 and f"{inner.name}/{pooling}" in errors[0]  # the listing shows nested paths


def test_custom_objects_are_supplied_on_request_and_their_absence_is_named(tutorial, tmp_path):
    import subprocess
    import sys

    import re
    import zipfile

    folder, _ = tutorial
    config = zipfile.ZipFile(folder / "custom.keras").read("config.json").decode()
    pooling = re.search(r'"name": "(global_max_pooling1d(?:_\d+)?)"', config).group(1)
    command = [os.path.join(os.path.dirname(sys.executable), "projector-export"), "activations",
               str(folder / "custom.keras"), "--layer", pooling, "--data", str(folder / "reviews.csv"),
               "--text-column", "text", "--logdir", str(tmp_path / "logdir")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)  # a fresh process: nothing registered
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert done.returncode == 2 and "Traceback" not in done.stderr and len(errors) == 1, done.stderr
    assert "needs the Python function 'custom_standardization'" in errors[0] and "--custom-objects FILE.py" in errors[0]
    assert "truncated or corrupt" not in errors[0]
    done = subprocess.run([*command, "--custom-objects", str(folder / "tutorial.py")], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert "exported activations: 6 x 16" in done.stdout


BAD_FILES = {
    "garbage.bin": bytes(range(256)) * 8,
    "empty.txt": b"",
    "fake.h5": b"\x89HDF\r\n\x1a\nxxxx",
    "fake.keras": b"PK\x03\x04junk",
    "garbage.npy": b"\x93NUMPY" + bytes(range(256)),
    "latin1.txt": "caf\u00e9\n".encode("latin-1"),
    "short.vec": b"2 3\ncat 1 2 3\n",
    "missing.txt": None,
    "folder": "dir",
}


@pytest.mark.parametrize("bad", sorted(BAD_FILES))
def test_bad_files_in_every_command_are_one_error_line(tmp_path, capsys, bad):
    """Every command that reads a file, given a bad one: exit status 2, one `error:` line, no traceback."""
    content = BAD_FILES[bad]
    path = tmp_path / bad
    if content == "dir":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    good = tmp_path / "good.npy"
    np.save(good, np.random.rand(4, 3))
    (tmp_path / "texts.csv").write_text("text\nthe cat\nthe dog\n")
    logdir = ["--logdir", tmp_path / "logdir"]
    commands = [["import", path, *logdir], ["import", good, "--metadata", path, *logdir], ["inspect", path],
                ["checkpoint", path, *logdir],
                ["activations", path, "--layer", "x", "--data", tmp_path / "texts.csv", "--text-column", "text", *logdir],
                ["validate", "--logdir", path]]
    if bad != "short.vec":  # two lines of text are good input for `text`
        commands.append(["text", "--data", path, *logdir])
    for command in commands:
        status, out, errors = cli(capsys, *command)
        if command[0] == "validate":  # its report goes to stdout, one finding per line
            errors += [line for line in out.splitlines() if line.startswith("error: ")]
        assert status != 0 and len(errors) == 1, (command, errors)


def test_keras3_model_checkpointed_with_its_optimizer_offers_its_weights_not_the_adam_moments(tmp_path, capsys):
    """tf.train.Checkpoint(model=..., optimizer=...) on a Keras 3 model files the weights under the optimizer."""
    import keras
    import tensorflow as tf

    ids = keras.Input((5,), dtype="int32")
    pooled = keras.layers.GlobalAveragePooling1D()(keras.layers.Embedding(30, 8, name="words")(ids))
    model = keras.Model(ids, keras.layers.Dense(1)(pooled))
    model.compile(keras.optimizers.Adam(name="adam"), "mse")  # its default name counts optimizers made before
    model.fit(np.random.randint(0, 30, (16, 5)), np.random.rand(16, 1), verbose=0, epochs=1)
    tf.train.Checkpoint(model=model, optimizer=model.optimizer).save(str(tmp_path / "ckpt" / "c"))
    status, out, _ = cli(capsys, "inspect", tmp_path / "ckpt")
    listed = out.split("other tensors")[0]
    assert status == 0 and "words/embeddings  30 x 8  float32  (layer words)" in listed, out
    assert "momentum" not in listed and "velocity" not in listed and "(6 optimizer state," in out
    assert "adam/words_embeddings_velocity  30 x 8  float32  (optimizer state of words/embeddings)" in cli(
        capsys, "inspect", tmp_path / "ckpt", "--all")[1]
    assert cli(capsys, "checkpoint", tmp_path / "ckpt", "--tensor", "words", "--logdir", tmp_path / "logdir")[0] == 0
    from exporter.run.folder import read_export

    np.testing.assert_array_equal(read_export(str(tmp_path / "logdir"), "default", "embedding").vectors,
                                  model.get_layer("words").embeddings.numpy())
