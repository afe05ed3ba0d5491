"""One hand-broken logdir per rule: `validate` names the file, the line and the fix.

Each case starts from a clean export (run "r", tensor "emb", 3 x 4, labels a b c)
and breaks exactly one thing.
"""

import glob
import json
import os
import warnings

import numpy as np
import pytest
from PIL import Image

from exporter import ExportWarning, export_embeddings, validate_logdir
from exporter.run.event_file import ensure_event_file

#: The folder of the clean export's files (its first version).
EMB = "projector-export/emb/v1"
CONFIG = 'embeddings {{\n  tensor_name: "{name}"\n  tensor_path: "{tensor}"\n{extra}}}\n'


def write(path, content):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(content if isinstance(content, bytes) else content.encode("utf-8"))


def metadata(text):
    return lambda run: write(os.path.join(run, EMB, "metadata.tsv"), text)


def tsv_run(tensor_text, extra="", name="tsv"):
    """Adds run "t": a tensor_path TSV config (how the TF tutorial and tensorboardX write)."""
    def build(run):
        folder = os.path.join(os.path.dirname(run), "t")
        write(os.path.join(folder, "vectors.tsv"), tensor_text)
        write(os.path.join(folder, "projector_config.pbtxt"), CONFIG.format(name=name, tensor="vectors.tsv", extra=extra))
        ensure_event_file(folder)
    return build


def edit_config(old, new):
    def build(run):
        path = os.path.join(run, "projector_config.pbtxt")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        assert old in text
        write(path, text.replace(old, new))
    return build


def bookmarks(states):
    return lambda run: write(os.path.join(run, EMB, "bookmarks.json"), json.dumps(states))


def good_state(**changes):
    state = {"label": "v", "selectedProjection": "pca", "pcaComponentDimensions": [0, 1], "tSNEPerplexity": 30,
             "tSNELearningRate": 10, "tSNEIteration": 0, "selectedPoints": [], "customXLeftText": "",
             "customXRightText": "", "customYUpText": "", "customYDownText": "",
             "dataSetDimensions": [3, 4], "projections": [{"pca-0": 0.0, "pca-1": 1.0}] * 3}
    state.update(changes)
    return {k: v for k, v in state.items() if v is not None}


def sprite(size, tile):
    def build(run):
        Image.new("RGB", size).save(os.path.join(run, EMB, "sprite.png"))
        edit_config('tensor_name: "emb"',
                    f'tensor_name: "emb"\n  sprite {{\n    image_path: "{EMB}/sprite.png"\n'
                    f'    single_image_dim: {tile[0]}\n    single_image_dim: {tile[1]}\n  }}')(run)
    return build


def symlink_out(run):
    outside = os.path.join(os.path.dirname(os.path.dirname(run)), "outside.tsv")
    write(outside, "a\nb\nc\n")
    os.unlink(os.path.join(run, EMB, "metadata.tsv"))
    os.symlink(outside, os.path.join(run, EMB, "metadata.tsv"))


def nested_run_without_checkpoint(run):
    import tensorflow as tf

    tsv_run("1\t2\n3\t4\n")(run)
    os.rename(os.path.join(os.path.dirname(run), "t"), os.path.join(run, "t"))
    # The parent run's checkpoint holds a 2-D tensor (another tool's, or projector-export's older format).
    checkpoint = tf.train.Checkpoint(other=tf.Variable(np.ones((3, 2), np.float32)))
    prefix = checkpoint.write(os.path.join(run, "other.ckpt"))
    write(os.path.join(run, "checkpoint"), f'model_checkpoint_path: "{os.path.basename(prefix)}"\n')


def standalone(change):
    def build(run):
        path = os.path.join(run, "projector_config.json")
        with open(path, encoding="utf-8") as f:
            config = json.load(f)
        change(config["embeddings"][0])
        write(path, json.dumps(config))
    return build


def labelled_standalone_tsv(run):
    write(os.path.join(run, EMB, "labelled.tsv"), "".join(f"{w}\t1\t2\t3\t4\n" for w in "wvu"))
    standalone(lambda entry: entry.update(tensorPath=f"{EMB}/labelled.tsv"))(run)


def remove_event_files(run):
    tsv_run("1\t2\n3\t4\n")(run)
    for path in glob.glob(os.path.join(os.path.dirname(run), "t", "events.*")):
        os.unlink(path)


def unsafe_run_name(run):
    tsv_run("1\t2\n3\t4\n")(run)
    os.rename(os.path.join(os.path.dirname(run), "t"), os.path.join(os.path.dirname(run), "a+b"))


def truncate_bytes(run):
    path = os.path.join(run, EMB, "vectors.bytes")
    with open(path, "r+b") as f:
        f.truncate(20)


# (case, break it, severity, words in the message, file the finding names, line)
CASES = [
    ("blank label", metadata("a\n \nc\n"), "error", "(3) do not match the number of lines in metadata (2)", "metadata.tsv", 2),
    ("single column header", metadata("label\na\nb\nc\n"), "error", "Single column metadata should not have a header row", "metadata.tsv", 1),
    ("multi column without header", metadata("a\t1\nb\t2\nc\t3\n"), "error", "Multi-column metadata should have a header row", "metadata.tsv", 1),
    ("too many rows", metadata("a\nb\nc\nd\ne\n"), "error", "(3) do not match the number of lines in metadata (5)", "metadata.tsv", None),
    ("tab in a label", metadata("a\nb\tx\nc\n"), "warning", "tab inside a single-column value", "metadata.tsv", 2),
    ("CR line endings", metadata("a\r\nb\r\nc\r\n"), "warning", "carriage return", "metadata.tsv", 1),
    ("BOM", metadata("\ufeffa\nb\nc\n"), "warning", "byte-order mark", "metadata.tsv", 1),
    ("no final newline", metadata("a\nb\nc"), "warning", "no final newline", "metadata.tsv", 3),
    ("reader never ends", metadata("a b c"), "error", "never finishes", "metadata.tsv", None),
    ("empty metadata file", metadata(""), "error", "never finishes", "metadata.tsv", None),
    ("not UTF-8", metadata(b"a\n\xff\nc\n"), "error", "not UTF-8", "metadata.tsv", 2),
    ("empty cell", metadata("w\tn\na\t\nb\t2\nc\t3\n"), "warning", "empty cell", "metadata.tsv", 2),
    ("repeated column name", metadata("w\tw\na\t1\nb\t2\nc\t3\n"), "warning", "column names repeat", "metadata.tsv", 1),
    ("ragged metadata", metadata("w\tn\na\t1\tx\nb\t2\nc\t3\n"), "warning", "3 cells where the header has 2", "metadata.tsv", 2),
    ("metadata path with ..", edit_config(f'"{EMB}/metadata.tsv"', '"../elsewhere/metadata.tsv"'), "error", "resolves outside", "projector_config.pbtxt", None),
    ("absolute metadata path", edit_config(f'"{EMB}/metadata.tsv"', '"/etc/hostname"'), "error", "resolves outside", "projector_config.pbtxt", None),
    ("metadata symlink out", symlink_out, "error", "resolves outside", "projector_config.pbtxt", None),
    ("metadata missing", edit_config(f'"{EMB}/metadata.tsv"', f'"{EMB}/gone.tsv"'), "error", "does not exist", "projector_config.pbtxt", None),
    ("unsafe tensor name", edit_config('tensor_name: "emb"', 'tensor_name: "emb&x"'), "error", "holds one of & # + % ?", "projector_config.pbtxt", None),
    ("name not in checkpoint", edit_config("embeddings {", 'embeddings {\n  tensor_name: "renamed"\n}\nembeddings {'), "error", "is not in the checkpoint", "projector_config.pbtxt", None),
    ("stale tensor_shape", edit_config(f'tensor_shape: 4\n  tensor_path: "{EMB}/vectors.bytes"', f'tensor_shape: 5\n  tensor_path: "{EMB}/vectors.tsv"'), "error", "tensor_shape [3, 5] in the config, but the tensor is [3, 4]", "projector_config.pbtxt", None),
    ("config does not parse", edit_config("embeddings {", "embeddings {{"), "error", "cannot parse", "projector_config.pbtxt", None),
    ("missing model_checkpoint_path", edit_config("embeddings {", 'model_checkpoint_path: "gone.ckpt-1"\nembeddings {'), "error", "matches no file", "projector_config.pbtxt", None),
    ("duplicate tensor name", tsv_run("1\t2\n3\t4\n", extra='}\nembeddings {\n  tensor_name: "tsv"\n  tensor_path: "vectors.tsv"\n'), "error", "appears twice", "projector_config.pbtxt", None),
    ("unnamed second entry", tsv_run("1\t2\n3\t4\n", extra='}\nembeddings {\n  tensor_path: "vectors.tsv"\n'), "error", "has no tensor_name", "projector_config.pbtxt", None),
    ("ragged tensor_path TSV", tsv_run("1\t2\n3\t4\t5\n"), "error", "line 2 has 3 values", "vectors.tsv", 2),
    ("trailing tab", tsv_run("1\t2\n3\t4\t\n"), "error", "ends with a tab", "vectors.tsv", 2),
    ("label column in TSV", tsv_run("w\t1\t2\nv\t3\t4\n"), "error", "'w' is not a number", "vectors.tsv", 1),
    ("NaN in tensor", tsv_run("1\t2\nnan\t4\n3\t3\n"), "error", "1 rows hold NaN or Inf (rows 1, 0-based)", "projector_config.pbtxt", None),
    ("one dimension", tsv_run("1\n2\n3\n"), "error", "only 2-D tensors with at least 2 points and 2 dimensions", "projector_config.pbtxt", None),
    ("unsafe run name", unsafe_run_name, "error", "run name 'a+b'", "a+b", None),
    ("no event file", remove_event_files, "warning", "holds no event file", "projector_config.pbtxt", None),
    ("parent folder's checkpoint", nested_run_without_checkpoint, "warning", "has no checkpoint of its own", "projector_config.pbtxt", None),
    ("bookmark without required fields", bookmarks([good_state(tSNEPerplexity=None, customYUpText=None)]), "error", "lacks tSNEPerplexity, customYUpText", "bookmarks.json", None),
    ("bookmark point count", bookmarks([good_state(projections=[{"pca-0": 0, "pca-1": 0}] * 2)]), "error", "2 projections for 3 points", "bookmarks.json", None),
    ("bookmark t-SNE", bookmarks([good_state(selectedProjection="tsne")]), "warning", "restarts t-SNE", "bookmarks.json", None),
    ("bookmark points not drawn", bookmarks([good_state(projections=[{"pca-0": 0}] * 3)]), "warning", "3 points lack finite pca-0, pca-1", "bookmarks.json", None),
    ("bookmark upload shape", bookmarks([good_state(dataSetDimensions=None)]), "warning", "dataSetDimensions None, not [3, D]", "bookmarks.json", None),
    ("bookmark colour column", bookmarks([good_state(selectedColorOptionName="nope")]), "warning", "colours by 'nope'", "bookmarks.json", None),
    ("bookmarks not JSON", lambda run: write(os.path.join(run, EMB, "bookmarks.json"), "[{"), "error", "not valid JSON", "bookmarks.json", None),
    ("sprite too large", sprite((8200, 8), (4100, 4)), "error", "more than 8192 px", "sprite.png", None),
    ("sprite too few tiles", sprite((16, 16), (16, 16)), "error", "1 x 1 tiles of 16 x 16 px for 3 points", "sprite.png", None),
    ("sprite not square grid", sprite((48, 16), (16, 16)), "warning", "3 tiles per row", "sprite.png", None),
    ("standalone .bytes size", truncate_bytes, "error", "20 bytes, but tensorShape [3, 4] needs 48", "vectors.bytes", None),
    ("standalone shape disagrees", standalone(lambda e: e.update(tensorShape=[4, 3])), "error", "tensorShape [4, 3], but TensorBoard's config says [3, 4]", "projector_config.json", None),
    ("standalone TSV label column", labelled_standalone_tsv, "warning", "taken as a label ('w')", "labelled.tsv", 1),
]


@pytest.mark.parametrize("case,build,severity,words,filename,line", CASES, ids=[c[0] for c in CASES])
def test_each_broken_rule_is_reported_with_file_line_and_fix(clean_run, case, build, severity, words, filename, line):
    build(clean_run)
    report = validate_logdir(os.path.dirname(clean_run))
    found = [f for f in report.findings if words in f.message]
    assert found, f"{case}: no finding with {words!r} in:\n" + "\n".join(map(str, report.findings))
    finding = found[0]
    assert finding.severity == severity
    assert os.path.basename(finding.path) == filename
    assert finding.line == line
    assert finding.fix
    if severity == "error":
        assert not report.ok


def test_more_than_100k_points_warns_and_labels_are_counted_as_tensorboard_serves_them(tmp_path):
    n = 100_050
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExportWarning)
        export_embeddings(np.ones((n, 2), np.float32), [f"w{i}" for i in range(n)], logdir=tmp_path, run="big",
                          name="emb", standalone_config=False, write_tsv=False, pca_bookmark=False)
    report = validate_logdir(tmp_path)
    assert report.ok
    [warning] = report.findings
    assert "TensorBoard shows only the first 100000" in warning.message and "--max-points" in warning.fix
