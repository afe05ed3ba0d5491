"""Hostile files (issue 15): nothing read outside what the user named, no machine exhausted, no silent wrong export.

One test per class of input; each failed on the code before its fix.
"""

import json
import os
import resource
import zipfile
from pathlib import Path

import h5py
import numpy as np
import pytest

from exporter.cli import main
from tests.unit.exporter.sources.test_on_disk_errors import fails
from tests.support.data import export_file

SECRET = b"root:x:0:0:secret-outside-the-model\n"


def _weights_with(path, kind, secret_file):
    """An HDF5 weights file whose embedding's values live in `secret_file`, the HDF5 way `kind` allows."""
    with h5py.File(path, "w") as f:
        f.create_dataset("layers/embedding/vars/1", data=np.ones((4, 4), np.float32))  # an honest neighbour
        if kind == "external storage":
            f.create_dataset("layers/embedding/vars/0", shape=(4, 4), dtype="uint8", external=[(secret_file, 0, 16)])
        elif kind == "external link":
            f["layers/embedding/vars/0"] = h5py.ExternalLink(secret_file, "/stolen")
        else:
            layout = h5py.VirtualLayout(shape=(4, 4), dtype="uint8")
            layout[:] = h5py.VirtualSource(secret_file, "/stolen", shape=(4, 4))
            f.create_virtual_dataset("layers/embedding/vars/0", layout)


@pytest.mark.parametrize("container", [".h5", ".weights.h5", ".keras", "preset"])
@pytest.mark.parametrize("kind", ["external storage", "external link", "virtual dataset"])
def test_hdf5_references_to_other_files_are_refused(tmp_path, capsys, kind, container):
    secret = tmp_path / "secret"
    if kind == "external storage":
        secret.write_bytes(SECRET)
    else:  # an HDF5 file elsewhere on the machine, with a dataset the link or mapping reads
        with h5py.File(secret, "w") as f:
            f["stolen"] = np.frombuffer(SECRET[:16], np.uint8).reshape(4, 4)
    if container == ".keras":
        _weights_with(tmp_path / "model.weights.h5", kind, str(secret))
        path = tmp_path / "model.keras"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("config.json", json.dumps({"class_name": "Sequential", "config": {"layers": []}}))
            archive.write(tmp_path / "model.weights.h5", "model.weights.h5")
    elif container == "preset":
        path = tmp_path / "preset"
        path.mkdir()
        _weights_with(path / "model.weights.h5", kind, str(secret))
    else:
        path = tmp_path / f"model{container}"
        _weights_with(path, kind, str(secret))
    for command in (["checkpoint", path, "--tensor", "embedding/vars/0", "--vocab", "none"],
                    ["checkpoint", path, "--tensor", "embedding/vars/1", "--vocab", "none"]):
        message = fails(capsys, tmp_path, *command)
        assert kind.split()[-1] in message and "refused" in message, message
    assert main(["inspect", str(path)]) == 2
    assert "refused" in capsys.readouterr().err
    if container != "preset":  # Keras itself would open the file: it is checked first
        (tmp_path / "texts.csv").write_text("text\nthe cat\n")
        message = fails(capsys, tmp_path, "activations", path, "--layer", "embedding", "--data",
                        tmp_path / "texts.csv", "--text-column", "text")
        assert "refused" in message, message
    for written in (tmp_path / "logdir").rglob("*"):
        assert not written.is_file() or b"secret-outside" not in written.read_bytes()


def test_size_bombs_are_refused_before_allocating(tmp_path, capsys):
    bomb = tmp_path / "bomb.h5"
    with h5py.File(bomb, "w") as f:  # a few KB declaring 4 GB: chunked, never written
        f.create_dataset("emb/embeddings", shape=(10**6, 10**3), dtype="float32", chunks=(1000, 100))
    assert bomb.stat().st_size < 10_000
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    message = fails(capsys, tmp_path, "checkpoint", bomb, "--vocab", "none", "--max-points", "1000")
    assert "stores 0 bytes of it: a size bomb" in message
    archive = tmp_path / "bomb.keras"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as f:  # 100 KB unpacking to 80 MB
        config = b'{"config": {"layers": []}, "pad": "' + b" " * 80 * 2**20 + b'"}'
        f.writestr("config.json", config)
        f.writestr("model.weights.h5", (tmp_path / "bomb.h5").read_bytes())
    assert archive.stat().st_size < 200_000
    assert main(["inspect", str(archive)]) == 2
    assert f"config.json unpacks to {len(config):,} bytes" in capsys.readouterr().err
    words = tmp_path / "huge.bin"
    words.write_bytes(b"1000000000000 4\n" + b"cat " + np.ones(4, "<f4").tobytes() + b"\n")
    assert main(["inspect", str(words)]) == 2
    inspected = capsys.readouterr()
    assert "truncated: the header promises 1000000000000 words, the file ends at word 1" in inspected.err
    assert "1000000000000" not in inspected.out  # the listing says what the file can hold
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak < 500_000  # KB: nothing near 4 GB


def _bytes_read():
    """Bytes this process has read through read() calls (/proc/self/io rchar; memory-mapped pages do not count)."""
    with open("/proc/self/io") as f:
        return int(next(line for line in f if line.startswith("rchar:")).split()[1])


def _save(kind, folder, values):
    """`values` saved in the on-disk format `kind`; the command reading it (before its options)."""
    folder.mkdir()
    if kind == "HDF5":
        with h5py.File(folder / "big.weights.h5", "w") as f:
            f["layers/embedding/vars/0"] = values
        return ["checkpoint", folder / "big.weights.h5", "--vocab", "none"]
    if kind == "safetensors":
        from safetensors.numpy import save_file

        save_file({"embedding": values}, folder / "model.safetensors")
        return ["checkpoint", folder / "model.safetensors", "--vocab", "none"]
    if kind == "TF checkpoint":
        import tensorflow as tf

        tf.train.Checkpoint(embedding=tf.Variable(values)).save(str(folder / "ckpt"))
        return ["checkpoint", folder, "--tensor", "embedding", "--vocab", "none"]
    if kind == "SavedModel":
        import tensorflow as tf

        module = tf.Module()
        module.embedding = tf.Variable(values, name="words")
        tf.saved_model.save(module, str(folder / "model"))
        return ["checkpoint", folder / "model", "--tensor", "words", "--vocab", "none"]
    np.save(folder / "vectors.npy", values)
    return ["import", folder / "vectors.npy"]


@pytest.mark.parametrize("kind", ["HDF5", "safetensors", "TF checkpoint", "SavedModel", ".npy"])
def test_max_points_reads_only_the_sampled_rows(tmp_path, capsys, kind):
    """With --max-points, the export's own sample of rows is all that is read (allocated, or read()).

    A warm-up export first: modules imported on first use are not the tensor's memory.
    """
    import tracemalloc

    from exporter.table import sample_indices

    def export(command, logdir):
        args = [*command, "--max-points", "100", "--seed", "3", "--logdir", logdir, "--run", "r", "--name", "t",
                "--no-tsv", "--no-pca-bookmark"]
        assert main([str(a) for a in args]) == 0, capsys.readouterr().err

    values = np.arange(200_000 * 16, dtype=np.float32).reshape(200_000, 16)
    export(_save(kind, tmp_path / "small", values[:1000]), tmp_path / "warm")  # imports, not measured
    command = _save(kind, tmp_path / "big", values)
    tracemalloc.start()
    before = _bytes_read()
    export(command, tmp_path / "logdir")
    read = _bytes_read() - before
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # A whole read allocates or read()s the 12.8 MB tensor; HDF5 read()s each sampled row through its 64 KiB
    # sieve buffer (4.7 MB here), the others a few hundred KB.
    assert peak < values.nbytes / 4 and read < values.nbytes / 2, (peak, read)
    exported = np.fromfile(export_file(tmp_path / "logdir", "r", "t", "vectors_bytes"), "<f4").reshape(100, 16)
    np.testing.assert_array_equal(exported, values[sample_indices(200_000, 100, seed=3)])


@pytest.mark.parametrize("suffix, sep", [(".tsv", "\t"), (".csv", ","), (".txt", " ")])
def test_a_byte_order_mark_does_not_turn_a_numeric_column_into_labels(tmp_path, suffix, sep):
    from exporter.sources.files import read_vectors

    values = np.arange(9, dtype=np.float32).reshape(3, 3) + 0.5
    path = tmp_path / f"numbers{suffix}"
    path.write_text("\n".join(sep.join(map(str, row)) for row in values) + "\n", encoding="utf-8-sig")
    vectors, labels = read_vectors(str(path))
    assert labels is None
    np.testing.assert_array_equal(vectors, values)


def test_a_metadata_row_with_one_cell_more_than_the_header_is_refused(tmp_path, capsys):
    np.save(tmp_path / "v.npy", np.eye(3, 4, dtype=np.float32))
    (tmp_path / "first.csv").write_text("word,count\ncat,1,extra\ndog,2\ncow,3\n")
    message = fails(capsys, tmp_path, "import", tmp_path / "v.npy", "--metadata", tmp_path / "first.csv")
    assert "line 2 has 3 cells, the header has 2" in message
    (tmp_path / "later.csv").write_text("word,count\ncat,1\ndog,2,extra\ncow,3\n")
    message = fails(capsys, tmp_path, "import", tmp_path / "v.npy", "--metadata", tmp_path / "later.csv")
    assert "line 3 has 3 cells, the header has 2" in message
    (tmp_path / "quoted.csv").write_text('word,count\n"cat, the animal",1\ndog,2\ncow,3\n')
    assert main([str(a) for a in ("import", tmp_path / "v.npy", "--metadata", tmp_path / "quoted.csv",
                                  "--logdir", tmp_path / "ok", "--run", "r", "--name", "t")]) == 0
    assert open(export_file(tmp_path / "ok", "r", "t")).read().startswith("word\tcount\ncat, the animal\t1\n")


def test_complex_npy_is_refused(tmp_path, capsys):
    np.save(tmp_path / "c.npy", (np.eye(3, 4) + 1j * np.ones((3, 4))).astype(np.complex64))
    message = fails(capsys, tmp_path, "import", tmp_path / "c.npy")
    assert "complex values (complex64)" in message and "x.imag" in message


def _callback_logdir(tmp_path, metadata_path):
    """What Keras 3's TensorBoard(embeddings_freq=1) leaves: a config naming its broken key, a snapshot."""
    from exporter.keras_logdir_fix import KERAS_TENSOR_NAME

    logdir = tmp_path / "logs"
    (logdir / "train").mkdir(parents=True)
    with h5py.File(logdir / "train" / "keras_embedding.ckpt-1.weights.h5", "w") as f:
        f["layers/embedding/vars/0"] = np.arange(12, dtype=np.float32).reshape(4, 3)
    (logdir / "projector_config.pbtxt").write_text(
        f'embeddings {{\n  tensor_name: "{KERAS_TENSOR_NAME}"\n  metadata_path: "{metadata_path}"\n}}\n')
    return logdir


def test_fix_reads_nothing_outside_the_config_folder(tmp_path, capsys):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.tsv").write_bytes(b"root\ndaemon\nbin\nsys\n")  # 4 rows: it would fit the 4-row snapshot
    for case, metadata_path in (("absolute", outside / "secret.tsv"), ("dotdot", "../outside/secret.tsv"),
                                ("symlink", "words.tsv")):
        case_dir = tmp_path / case
        logdir = _callback_logdir(case_dir, metadata_path)
        (logdir / "words.tsv").symlink_to(outside / "secret.tsv")
        assert main(["fix", str(logdir)]) == 2
        error = capsys.readouterr().err.strip().splitlines()
        assert len(error) == 1 and "resolves outside the config's folder" in error[0], error
        for written in logdir.rglob("*"):
            assert not written.is_file() or written.is_symlink() or b"daemon" not in written.read_bytes()
    (tmp_path / "inside").mkdir()
    logdir = _callback_logdir(tmp_path / "inside", "words.tsv")
    (logdir / "words.tsv").write_text("a\nb\nc\nd\n")
    assert main(["fix", str(logdir)]) == 0, capsys.readouterr().err


def test_validate_reads_nothing_outside_a_standalone_config_folder(tmp_path):
    import exporter
    from exporter.validate import validate_logdir

    (tmp_path / "secret.tsv").write_bytes(b"root\ndaemon\n")
    logdir = tmp_path / "logdir"
    exporter.export_embeddings(np.eye(3, 4), ["a", "b", "c"], logdir=str(logdir), run="r", name="t")
    config_path = logdir / "r" / "projector_config.json"
    config = json.loads(config_path.read_text())
    config["embeddings"][0]["metadataPath"] = str(tmp_path / "secret.tsv")  # 2 rows for 3 points, if read
    config_path.write_text(json.dumps(config))
    report = validate_logdir(str(logdir))
    messages = [f.message for f in report.findings]
    assert any("metadataPath" in m and "resolves outside the config's folder" in m for m in messages), messages
    assert not any("secret" in f.path or "Number of tensors" in f.message for f in report.findings), messages


def test_validate_ends_on_symlink_cycles(tmp_path):
    import subprocess
    import sys

    import exporter

    logdir = tmp_path / "logdir"
    exporter.export_embeddings(np.eye(3, 4), ["a", "b", "c"], logdir=str(logdir), run="r", name="t")
    for link in (logdir / "x", logdir / "y", logdir / "r" / "back"):
        link.symlink_to(".." if link.parent.name == "r" else ".")
    command = [os.path.join(os.path.dirname(sys.executable), "projector-export"), "validate", str(logdir)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120,
                            env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2"))
    assert "a cycle" in result.stdout and "1 embedding(s) checked" in result.stdout, result.stdout + result.stderr


def _peak_validate_memory(logdir):
    import tracemalloc

    from exporter.validate import validate_logdir

    tracemalloc.start()
    report = validate_logdir(str(logdir))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return report, peak


def test_validate_streams_a_metadata_file_of_newlines(tmp_path):
    """The 200 MB red-team file scaled to 5 MB: memory near the file's size, not 100 times it."""
    import exporter
    from tests.support.data import export_file

    logdir = tmp_path / "logdir"
    exporter.export_embeddings(np.eye(3, 4), ["a", "b", "c"], logdir=str(logdir), run="r", name="t")
    metadata = export_file(logdir, "r", "t")
    os.chmod(metadata, 0o644)
    with open(metadata, "wb") as f:
        f.write(b"a\n" + b"\n" * 5_000_000 + b"b\nc\n")
    report, peak = _peak_validate_memory(logdir)
    # TensorBoard serves the first 100,001 lines: one row; the standalone projector reads all three.
    assert [f.message.split(".")[0] for f in report.errors] == [
        "Number of tensors (3) do not match the number of lines in metadata (1)"], report.findings
    assert peak < 4 * os.path.getsize(metadata), peak  # was ~90 bytes per line


def test_validate_streams_a_one_line_tensor_tsv(tmp_path):
    """The 1 GB one-line tensor_path scaled to 40 MB: reported without holding 10 million cells."""
    run = tmp_path / "logdir" / "r"
    run.mkdir(parents=True)
    (run / "events.out.tfevents.1").write_bytes(b"")
    (run / "projector_config.pbtxt").write_text('embeddings {\n  tensor_name: "t"\n  tensor_path: "t.tsv"\n}\n')
    with open(run / "t.tsv", "wb") as f:
        f.write(b"\t".join([b"0.5"] * 10_000_000) + b"\n")
    report, peak = _peak_validate_memory(tmp_path / "logdir")
    assert any("line 1 is longer than" in f.message for f in report.errors), report.findings
    assert peak < 2 * os.path.getsize(run / "t.tsv"), peak


def test_a_vocabulary_symlinked_out_of_the_model_folder_is_not_read(tmp_path, capsys):
    (tmp_path / "secret.txt").write_text("root\ndaemon\nbin\nsys\n")  # 4 lines: it would fit the 4 rows
    preset = tmp_path / "preset"
    preset.mkdir()
    with h5py.File(preset / "model.weights.h5", "w") as f:
        f["layers/embedding/vars/0"] = np.ones((4, 4), np.float32)
    (preset / "vocab.txt").symlink_to(tmp_path / "secret.txt")
    logdir = tmp_path / "logdir"
    assert main(["checkpoint", str(preset), "--logdir", str(logdir), "--run", "r", "--name", "t"]) == 0
    assert "no vocabulary found" in capsys.readouterr().err
    for written in logdir.rglob("*"):
        assert not written.is_file() or b"daemon" not in written.read_bytes()


def test_validate_reads_no_checkpoint_outside_the_logdir(tmp_path):
    import exporter
    from exporter.validate import validate_logdir

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "ckpt.index").write_bytes(b"not a checkpoint index, and not the user's to read" * 4)
    (tmp_path / "checkpoint").write_text(f'model_checkpoint_path: "{outside / "ckpt"}"\n')  # the logdir's parent
    logdir = tmp_path / "logdir"
    exporter.export_embeddings(np.eye(3, 4), ["a", "b", "c"], logdir=str(logdir), run="r", name="t")
    config = logdir / "r" / "projector_config.pbtxt"
    config.write_text(f'model_checkpoint_path: "{outside / "ckpt"}"\n' + config.read_text())
    report = validate_logdir(str(logdir))
    assert any("outside the logdir" in f.message for f in report.findings if f.severity == "warning"), report.findings
    assert report.embeddings == ["r/t"] and report.ok, report.findings
    assert not any(str(outside) in f.path or str(tmp_path / "checkpoint") == f.path for f in report.findings)


def _opened_files(run):
    """The paths `run()` opens (Python's audit events: open, NumPy's fromfile and memmap, PIL), resolved."""
    import sys

    opened = []
    if not hasattr(_opened_files, "log"):
        _opened_files.log = None
        sys.addaudithook(lambda event, args: _opened_files.log is not None and event == "open"
                         and isinstance(args[0], (str, bytes, os.PathLike))
                         and _opened_files.log.append(os.path.realpath(os.fsdecode(args[0]))))
    _opened_files.log = opened
    try:
        return run(), opened
    finally:
        _opened_files.log = None


@pytest.mark.parametrize("file, expected", [
    ("projector_config.pbtxt", "this config resolves outside the logdir"),
    ("checkpoint", "this checkpoint state file resolves outside the logdir"),
    ("projector-export.marker-1.index", "outside the logdir (or a file of it is a symlink out)"),
    ("projector-export.marker-1.data-00000-of-00001", "outside the logdir (or a file of it is a symlink out)"),
    ("projector_config.json", "this standalone config resolves outside the logdir"),
    ("metadata", "metadata_path 'projector-export/t/v1/metadata.tsv' resolves outside the config's folder"),
    ("bookmarks", "bookmarks_path 'projector-export/t/v1/bookmarks.json' resolves outside the config's folder"),
    ("vectors_bytes", "tensor_path 'projector-export/t/v1/vectors.bytes' resolves outside the config's folder"),
    ("events", None),
])
def test_validate_opens_no_file_symlinked_out_of_the_logdir(tmp_path, file, expected):
    """Each file validate would read, replaced by a symlink to a copy outside the logdir: reported, never opened."""
    import shutil

    import exporter
    from exporter.validate import validate_logdir

    logdir, outside = tmp_path / "logdir", tmp_path / "outside"
    outside.mkdir()
    exporter.export_embeddings(np.eye(3, 4), ["a", "b", "c"], logdir=str(logdir), run="r", name="t")
    run = logdir / "r"
    if file == "events":
        path = next(run.glob("events.out.tfevents.*"))
    elif "." in file or file == "checkpoint":
        path = run / file
    else:
        path = Path(export_file(logdir, "r", "t", file))
    shutil.move(path, outside / path.name)
    path.symlink_to(outside / path.name)
    report, opened = _opened_files(lambda: validate_logdir(str(logdir)))
    assert not [p for p in opened if p.startswith(str(outside))], opened
    assert any(p.startswith(str(run)) for p in opened), opened  # the hook sees validate's reads
    messages = [f"{f.severity}: {f.message}" for f in report.findings]
    if expected is None:
        assert report.ok and report.embeddings == ["r/t"], messages
    else:
        assert any(expected in m for m in messages), messages
        severity = "error" if "config's folder" in expected else "warning"  # TensorBoard refuses those itself
        assert any(m.startswith(severity) and expected in m for m in messages), messages
