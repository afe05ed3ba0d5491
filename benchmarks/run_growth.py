"""Does an export cost its own size only, however much the run holds? And what does TensorBoard pay for it?

    python -m benchmarks.run_growth [--exports 20] [--rows 100000] [--dim 128] [--tsv]

(a) --exports successive exports of --rows x --dim float32 (with labels and the PCA
    bookmark; vectors.tsv only with --tsv) into ONE run, each under its own name, as
    `ProjectorCallback(keep=None)` does over a long training. Each export is timed; the
    target is export 20 / export 1 <= 1.3 (also shown: median of the last 3 over the
    first 3, which one disturbed export on a shared machine moves less).
(b) TensorBoard (this venv's, with TensorFlow; and the one without TensorFlow from
    tests/support/tensorboard_without_tf.py when its venv exists) on that logdir: every
    tensor requested through /tensor, then the process's peak resident memory (VmHWM).
(c) What a config reload costs, the reason for the layout. TensorBoard re-reads a run's
    config when its latest checkpoint changes (so after every export) and then reads
    EVERY `tensor_path` file of every run (`_augment_configs_with_checkpoint_info`):
    timed with TensorBoard's own reading functions for 1, 5, 10 and all snapshots.
    Against it, the older format (all tensors in one run checkpoint): the reload reads
    only the checkpoint's index (`load_checkpoint` + `get_variable_to_shape_map`), but
    every export rewrote the whole checkpoint (SaveV2 of all tensors), timed for the
    same counts.

Ends with one line of JSON.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import warnings

import numpy as np

TARGET_RATIO = 1.3


def status_mb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field + ":")) / 1024


def grow(logdir, exports, rows, dim, tsv):
    """(a): seconds of each of `exports` successive exports into run "growth"."""
    from exporter import ExportWarning, export_embeddings

    labels = [f"w{i}" for i in range(rows)]
    seconds = []
    for i in range(exports):
        matrix = np.random.default_rng(i).normal(size=(rows, dim)).astype(np.float32)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ExportWarning)
            export_embeddings(matrix, labels, logdir=logdir, run="growth", name=f"snapshot.epoch-{i:03d}",
                              write_tsv=tsv)
        seconds.append(time.perf_counter() - start)
        print(f"(a) export {i + 1:2d}: {seconds[-1]:.2f} s", flush=True)
    return seconds


def serve_all(server_class, logdir, names):
    """(b): peak resident MB of a TensorBoard that has served every tensor of run "growth"."""
    with server_class(logdir, startup_timeout=300) as tb:
        for name in names:
            tb.wait_for_tensor("growth", name, timeout=600)
            tb.get("tensor", run="growth", name=name)
        return status_mb(tb.process.pid, "VmHWM")


def reload_costs(logdir, counts):
    """(c): seconds TensorBoard's reload spends on k tensor_path snapshots, and the older format's figures."""
    import tensorflow as tf
    from tensorboard.plugins.projector import projector_plugin

    from exporter.run import folder as run_folder

    entries = run_folder.list_exports(logdir, "growth")
    figures = {"tensor_path_reload_s": {}, "checkpoint_reload_s": {}, "checkpoint_rewrite_s": {}}
    for k in counts:
        start = time.perf_counter()
        for entry in entries[:k]:  # as _augment_configs_with_checkpoint_info does, cache missed
            path = entry.files["vectors_bytes"]
            try:
                projector_plugin._read_tensor_tsv_file(path)
            except UnicodeDecodeError:
                projector_plugin._read_tensor_binary_file(path, list(entry.shape))
        figures["tensor_path_reload_s"][k] = time.perf_counter() - start
        tensors = {e.name: np.fromfile(e.files["vectors_bytes"], "<f4").reshape(e.shape) for e in entries[:k]}
        with tempfile.TemporaryDirectory(dir=logdir) as folder:
            prefix = os.path.join(folder, "embeddings.ckpt-1")
            names = sorted(tensors)
            start = time.perf_counter()
            tf.raw_ops.SaveV2(prefix=prefix, tensor_names=names, shape_and_slices=[""] * len(names),
                              tensors=[tf.constant(tensors[name]) for name in names])
            figures["checkpoint_rewrite_s"][k] = time.perf_counter() - start
            start = time.perf_counter()
            tf.train.load_checkpoint(prefix).get_variable_to_shape_map()
            figures["checkpoint_reload_s"][k] = time.perf_counter() - start
        del tensors
        print(f"(c) {k:2d} snapshots: reload reading every tensor_path {figures['tensor_path_reload_s'][k]:.2f} s; "
              f"older format: reload {figures['checkpoint_reload_s'][k]:.3f} s, but each export rewrote the "
              f"checkpoint: {figures['checkpoint_rewrite_s'][k]:.2f} s", flush=True)
    return figures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--exports", type=int, default=20)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--dim", type=int, default=128)
    parser.add_argument("--tsv", action="store_true", help="also write vectors.tsv in every export")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from tests.support.tensorboard_server import TensorBoardServer
    from tests.support.tensorboard_without_tf import VENV, TensorBoardWithoutTensorFlow

    print(f"load: {os.getloadavg()} on {os.cpu_count()} cores", flush=True)
    figures = {"exports": args.exports, "rows": args.rows, "dim": args.dim, "tsv": args.tsv}
    with tempfile.TemporaryDirectory(prefix="run-growth-") as logdir:
        seconds = grow(logdir, args.exports, args.rows, args.dim, args.tsv)
        figures["export_s"] = [round(s, 3) for s in seconds]
        figures["last_over_first"] = seconds[-1] / seconds[0]
        figures["median_last3_over_first3"] = statistics.median(seconds[-3:]) / statistics.median(seconds[:3])
        print(f"(a) export {args.exports} / export 1: {figures['last_over_first']:.2f} (target <= {TARGET_RATIO}); "
              f"median of the last 3 / first 3: {figures['median_last3_over_first3']:.2f}", flush=True)
        names = [f"snapshot.epoch-{i:03d}" for i in range(args.exports)]
        figures["tensorboard_peak_mb"] = serve_all(TensorBoardServer, logdir, names)
        print(f"(b) TensorBoard (with TensorFlow) after serving all {args.exports}: peak "
              f"{figures['tensorboard_peak_mb']:.0f} MB", flush=True)
        if os.path.exists(os.path.join(VENV, ".ready")):
            figures["tensorboard_without_tf_peak_mb"] = serve_all(TensorBoardWithoutTensorFlow, logdir, names)
            print(f"(b) TensorBoard without TensorFlow: peak {figures['tensorboard_without_tf_peak_mb']:.0f} MB",
                  flush=True)
        counts = sorted({1, min(5, args.exports), min(10, args.exports), args.exports})
        figures |= reload_costs(logdir, counts)
    figures["load_after"] = list(os.getloadavg())
    figures["target_met"] = figures["last_over_first"] <= TARGET_RATIO
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else
                      ({kk: round(vv, 3) for kk, vv in v.items()} if isinstance(v, dict) else v)
                      for k, v in figures.items()}))


if __name__ == "__main__":
    main()
