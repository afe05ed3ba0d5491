"""Hostile inputs at the red team's full size (issues 15, 21): time and peak memory of each command.

Example:
    python -m benchmarks.hostile    # about 10 minutes and 1.7 GB of temporary files; ends with one line of JSON
    python -m benchmarks.hostile --quick    # without the 20,000,000-label validate case
    python -m benchmarks.hostile --only labels,serve    # the cases whose names hold one of these words

Each case runs the real `projector-export` in a fresh process (peak RSS from wait4).
Side by side, in the same run: for validate, the time to just read the file once (1 MB
chunks: "x read" = plain reads of the file the command costs); for the bombs, the same
command on an honest file of that format ("x honest", and the RSS difference, which is
what the bomb costs above the process's own start-up: Keras/TensorFlow imports). For validate of
2,000,000 and 20,000,000 labels (issue 21), peak RSS against the metadata file's size and the
target (10x the file + 250 MB). For `serve` with broken runs beside a good one (an unparsable
config, two symlink loops, a 64 MB tensor file of the wrong size), the seconds until the good
run is listed and per request, side by side with the same server over the good run alone.
The red team's figures before the fix are quoted from issues 15 and 21.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

import numpy as np

PROJECTOR_EXPORT = os.path.join(os.path.dirname(sys.executable), "projector-export")
#: Before the fix (issue 15, same machine class): seconds, peak GB; None = did not finish in 600 s.
RED_TEAM = {
    "validate: 200 MB metadata of newlines": (419, 23.3),
    "validate: 1 GB one-line tensor_path TSV": (None, None),
    "validate: logdir with x -> . and y -> .": (None, None),
    "checkpoint --max-points 1000: 2.4 KB .h5 declaring 10^6 x 10^3": (None, 5.5),
    "inspect: .keras whose config.json unpacks to 500 MB": (None, 1.7),
    "inspect: word2vec header claiming 10^12 rows": ("crash", None),
    "validate: 2,000,000 labels": (None, 0.647),
    "validate: 20,000,000 labels": (488, 5.5),
}
#: Before the fix (issue 21): a broken run made /runs a 500 for all; a symlink loop 20 s per request.
SERVE_BEFORE = "every /runs answer a 500 (unparsable config); 20 s per request (symlink loop)"


def run(argv):
    """(seconds, peak RSS in bytes, exit status, last output line) of one command in a fresh process."""
    start = time.perf_counter()
    process = subprocess.Popen([PROJECTOR_EXPORT, *map(str, argv)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2"))
    output = process.stdout.read().decode(errors="replace").strip().splitlines()
    _, status, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss * 1024, os.waitstatus_to_exitcode(status), output[-1:]


def read_once(path):
    start = time.perf_counter()
    with open(path, "rb") as f:
        while f.read(1 << 20):
            pass
    return time.perf_counter() - start


def _export(logdir):
    import exporter

    exporter.export_embeddings(np.eye(3, 4), ["a", "b", "c"], logdir=str(logdir), run="r", name="t")
    from exporter.run.folder import find_export

    return find_export(str(logdir), "r", "t").files["metadata"]


def labelled_run(logdir, n):
    """A run of `n` random 2-D points labelled `w0`..., configs for TensorBoard and the standalone projector;
    returns the metadata file."""
    run = os.path.join(logdir, "r")
    os.makedirs(run)
    open(os.path.join(run, "events.out.tfevents.1"), "wb").close()
    np.random.default_rng(0).standard_normal((n, 2), np.float32).tofile(os.path.join(run, "vectors.bytes"))
    metadata = os.path.join(run, "metadata.tsv")
    with open(metadata, "w") as f:
        for start in range(0, n, 1_000_000):
            f.write("".join(f"w{i}\n" for i in range(start, min(n, start + 1_000_000))))
    entry = {"tensorName": "t", "tensorShape": [n, 2], "tensorPath": "vectors.bytes", "metadataPath": "metadata.tsv"}
    with open(os.path.join(run, "projector_config.pbtxt"), "w") as f:
        f.write(f'embeddings {{ tensor_name: "t" tensor_path: "vectors.bytes" tensor_shape: [{n}, 2] '
                'metadata_path: "metadata.tsv" }\n')
    with open(os.path.join(run, "projector_config.json"), "w") as f:
        json.dump({"embeddings": [entry]}, f)
    return metadata


def cases(tmp, quick=False):
    """Yields (name, file that matters, argv, honest argv or None) after building each input."""
    logdir = os.path.join(tmp, "newlines")
    metadata = _export(logdir)
    os.chmod(metadata, 0o644)
    with open(metadata, "wb") as f:
        f.write(b"a\n")
        for _ in range(200):
            f.write(b"\n" * 1_000_000)
        f.write(b"b\nc\n")
    yield "validate: 200 MB metadata of newlines", metadata, ["validate", logdir], None

    run_dir = os.path.join(tmp, "one_line", "r")
    os.makedirs(run_dir)
    open(os.path.join(run_dir, "events.out.tfevents.1"), "wb").close()
    with open(os.path.join(run_dir, "projector_config.pbtxt"), "w") as f:
        f.write('embeddings {\n  tensor_name: "t"\n  tensor_path: "t.tsv"\n}\n')
    tsv = os.path.join(run_dir, "t.tsv")
    with open(tsv, "wb") as f:
        for _ in range(250):
            f.write(b"0.5\t" * 1_000_000)
        f.write(b"0.5\n")
    yield "validate: 1 GB one-line tensor_path TSV", tsv, ["validate", os.path.dirname(run_dir)], None

    cycles, plain = os.path.join(tmp, "cycles"), os.path.join(tmp, "plain")
    _export(cycles)
    _export(plain)
    os.symlink(".", os.path.join(cycles, "x"))
    os.symlink(".", os.path.join(cycles, "y"))
    yield "validate: logdir with x -> . and y -> .", None, ["validate", cycles], ["validate", plain]

    import h5py

    bomb, honest = os.path.join(tmp, "bomb.h5"), os.path.join(tmp, "honest.h5")
    with h5py.File(bomb, "w") as f:
        f.create_dataset("emb/embeddings", shape=(10**6, 10**3), dtype="float32", chunks=(1000, 100))
    with h5py.File(honest, "w") as f:
        f["emb/embeddings"] = np.ones((2000, 8), np.float32)
    command = ["--vocab", "none", "--max-points", "1000", "--logdir", os.path.join(tmp, "out")]
    yield ("checkpoint --max-points 1000: 2.4 KB .h5 declaring 10^6 x 10^3", bomb,
           ["checkpoint", bomb, *command], ["checkpoint", honest, *command])

    archive = os.path.join(tmp, "bomb.keras")
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as f:
        with f.open("config.json", "w") as member:
            member.write(b'{"config": {"layers": []}, "pad": "')
            for _ in range(500):
                member.write(b" " * 1_000_000)
            member.write(b'"}')
        f.write(bomb, "model.weights.h5")
    small = os.path.join(tmp, "small.keras")
    with zipfile.ZipFile(small, "w", zipfile.ZIP_DEFLATED) as f:
        f.writestr("config.json", '{"config": {"layers": []}}')
        f.write(honest, "model.weights.h5")
    yield "inspect: .keras whose config.json unpacks to 500 MB", archive, ["inspect", archive], ["inspect", small]

    words = os.path.join(tmp, "huge.bin")
    with open(words, "wb") as f:
        f.write(b"1000000000000 4\n" + b"cat " + np.ones(4, "<f4").tobytes() + b"\n")
    from exporter.sources.word_vectors import write_word2vec_binary

    write_word2vec_binary(os.path.join(tmp, "small.bin"), ["cat", "dog"], np.ones((2, 4)))
    yield ("inspect: word2vec header claiming 10^12 rows", words, ["inspect", words],
           ["inspect", os.path.join(tmp, "small.bin")])

    for n in (2_000_000,) if quick else (2_000_000, 20_000_000):
        logdir = os.path.join(tmp, f"labels{n}")
        metadata = labelled_run(logdir, n)
        yield f"validate: {n:,} labels", metadata, ["validate", logdir], None
        shutil.rmtree(logdir)


def serve_case(tmp):
    """{"broken": ..., "clean": ...}: seconds until `serve` lists the good run, and per /runs and /tensor
    request (median of 20), over the good run with broken runs beside it, and over the good run alone."""
    from exporter import export_embeddings
    from tests.support.tensorboard_server import ServeServer

    vectors = np.random.default_rng(1).standard_normal((1000, 8), np.float32)
    results = {}
    for kind in ("clean", "broken"):
        logdir = os.path.join(tmp, f"serve-{kind}")
        export_embeddings(vectors, None, logdir=logdir, run="good", name="t", write_tsv=False)
        if kind == "broken":
            _broken_runs(logdir)
        start = time.perf_counter()
        with ServeServer(logdir, reload_interval=1, poll_interval=0.05) as server:
            server.wait_for_tensor("good", "t", timeout=300)
            listed = time.perf_counter() - start
            runs = _median_seconds(server.runs)
            tensor = _median_seconds(lambda: server.tensor("good", "t"))
        results[kind] = {"seconds_to_list": round(listed, 2), "runs_ms": round(runs * 1000, 1),
                         "tensor_ms": round(tensor * 1000, 1)}
    return results


def _broken_runs(logdir):
    for run, config in (("garbage", b"embeddings { \xff ]]]"), ("mismatch", b'embeddings { tensor_name: "m" '
                                                                b'tensor_path: "m.bytes" tensor_shape: [10, 8] }')):
        os.makedirs(os.path.join(logdir, run))
        open(os.path.join(logdir, run, "events.out.tfevents.1"), "wb").close()
        with open(os.path.join(logdir, run, "projector_config.pbtxt"), "wb") as f:
            f.write(config)
    with open(os.path.join(logdir, "mismatch", "m.bytes"), "wb") as f:
        f.truncate(64 << 20)
    os.symlink(".", os.path.join(logdir, "x"))
    os.symlink(".", os.path.join(logdir, "y"))


def _median_seconds(call, repeats=20):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


def main():
    quick = "--quick" in sys.argv[1:]
    only = sys.argv[sys.argv.index("--only") + 1].split(",") if "--only" in sys.argv[1:] else None
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1/5/15 min), "
          f"{os.cpu_count()} cores")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, path, argv, honest_argv in cases(tmp, quick):
            if only and not any(word in name for word in only):
                continue
            seconds, peak, code, last = run(argv)
            size = os.path.getsize(path) if path else 0
            before = RED_TEAM[name]
            result = {"seconds": round(seconds, 2), "peak_rss_mb": round(peak / 1e6), "exit": code,
                      "file_mb": round(size / 1e6, 3), "red_team_before": {"seconds": before[0], "peak_gb": before[1]},
                      "load_1min": round(os.getloadavg()[0], 2)}
            if honest_argv:
                honest_seconds, honest_peak, _, _ = run(honest_argv)
                result.update(honest_seconds=round(honest_seconds, 2), honest_peak_rss_mb=round(honest_peak / 1e6))
                ratio = f"{seconds / honest_seconds:.2f}x honest, RSS {(peak - honest_peak) / 1e6:+.0f} MB vs honest"
            else:
                baseline = read_once(path)
                result["read_once_seconds"] = round(baseline, 3)
                ratio = f"{seconds / baseline:.0f}x read, RSS {peak / size:.2f}x the file"
                if "labels" in name:
                    result["target_mb"] = round((10 * size + 250e6) / 1e6)
                    ratio += f", target {result['target_mb']} MB, {seconds / (size / 1e6):.2f} s per MB"
            results[name] = result
            print(f"{name}: {seconds:.1f} s, peak RSS {peak / 1e6:.0f} MB ({ratio}), exit {code}; "
                  f"before: {before[0]} s, {before[1]} GB; load {result['load_1min']}; {last[0][:120] if last else ''}")
        serve = serve_case(tmp) if not only or "serve" in only else None
    if serve is None:
        print(json.dumps({"benchmark": "hostile", "load_1min": os.getloadavg()[0], "cases": results}))
        return
    broken, clean = serve["broken"], serve["clean"]
    print(f"serve with broken runs beside the good one: listed after {broken['seconds_to_list']} s, /runs "
          f"{broken['runs_ms']} ms, /tensor {broken['tensor_ms']} ms; alone: {clean['seconds_to_list']} s, "
          f"{clean['runs_ms']} ms, {clean['tensor_ms']} ms (/runs {broken['runs_ms'] / clean['runs_ms']:.2f}x); "
          f"before: {SERVE_BEFORE}")
    results["serve: broken runs beside a good one"] = {**serve, "before": SERVE_BEFORE}
    print(json.dumps({"benchmark": "hostile", "load_1min": os.getloadavg()[0], "cases": results}))


if __name__ == "__main__":
    main()
