"""The wheel installs into a user's own TensorFlow environment: nothing replaced, commands work.

A clean venv under /tmp first gets the lower bound of every `install_requires` range in
setup.cfg (TensorFlow 2.20, Keras 3.10, TensorBoard 2.20, ...: an older stack than
constraints.txt), as a user's environment would already hold it; then a plain
`pip install <the built wheel>` must add projector-export and change no installed
package. `projector-export import` + `validate`, the callback's example (Keras + TF)
and the bundled samples and docs are then used from that install, outside this tree.
The lower-bound wheels come from PyPI once into ~/.cache/projector-export (pip's own cache
stays empty here: the registry answers no-store), so later runs install them offline in ~1 min.
"""

import configparser
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
CACHE = os.path.join(os.path.expanduser("~"), ".cache", "projector-export")
#: Not copied into the build tree: environments, outputs, caches.
NOT_BUILT = shutil.ignore_patterns(".git", ".venv", "logdir", "build", "*.egg-info", "__pycache__", ".pytest_cache",
                                   ".hypothesis", "artifacts", "results")


def lower_bounds():
    """`name==X` for every `name>=X` of install_requires."""
    config = configparser.ConfigParser()
    config.read(os.path.join(ROOT, "setup.cfg"))
    pins = []
    for line in config["options"]["install_requires"].split("\n"):
        if line.strip():
            name, bound = re.fullmatch(r"\s*([A-Za-z0-9_.-]+)\s*>=\s*([^,\s]+)\s*", line).groups()
            pins.append(f"{name}=={bound}")
    return pins


def pip(venv, *args):
    return run([os.path.join(venv, "bin", "python"), "-m", "pip", "--disable-pip-version-check", *args])


def run(command, **kwargs):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    job = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1800, **kwargs)
    assert job.returncode == 0, f"{command}: {job.stdout[-2000:]}{job.stderr[-3000:]}"
    return job.stdout


def installed(venv):
    """{normalised name: version} of every package in `venv`."""
    pairs = (line.split("==") for line in pip(venv, "list", "--format=freeze").split() if "==" in line)
    return {re.sub(r"[-_.]+", "-", name).lower(): version for name, version in pairs}


def wheelhouse(pins):
    """A folder with the wheels of `pins` and their dependencies, downloaded once per set of pins."""
    folder = os.path.join(CACHE, "wheels-" + hashlib.sha256("\n".join(sorted(pins)).encode()).hexdigest()[:12])
    if not os.path.isdir(folder):
        os.makedirs(CACHE, exist_ok=True)
        partial = tempfile.mkdtemp(dir=CACHE, prefix=".partial-")
        try:
            run([sys.executable, "-m", "pip", "download", "-q", "--only-binary", ":all:", "-d", partial, *pins])
            os.rename(partial, folder)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            if not os.path.isdir(folder):  # else another run completed it first
                raise
    return folder


@pytest.fixture(scope="module")
def work():
    folder = tempfile.mkdtemp(prefix="projector-export-wheel-", dir="/tmp")
    yield folder
    # ~2.5 GB: removed in the background, as waiting for it takes minutes on a busy disk.
    subprocess.Popen(["rm", "-rf", folder], start_new_session=True)


def test_wheel_installs_beside_an_older_tensorflow_and_runs_from_there(work):
    source = os.path.join(work, "source")
    shutil.copytree(ROOT, source, ignore=NOT_BUILT, symlinks=True)
    run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", os.path.join(work, "dist"), source])
    (wheel,) = [os.path.join(work, "dist", f) for f in os.listdir(os.path.join(work, "dist"))]

    venv = os.path.join(work, "venv")
    run([sys.executable, "-m", "venv", venv])
    bounds = lower_bounds()
    assert any(p.startswith("tensorflow==") for p in bounds)
    # The user's environment, TensorFlow 2.20 included.
    pip(venv, "install", "-q", "--no-index", "--find-links", wheelhouse(bounds), *bounds)
    before = installed(venv)
    assert before["tensorflow"] != _constraint("tensorflow"), "the test needs a TensorFlow other than the pinned one"

    pip(venv, "install", "-q", wheel)
    after = installed(venv)
    assert after.pop("projector-export") == "0.1.0"
    assert after == before, {k: (before.get(k), after.get(k)) for k in set(before) | set(after) if before.get(k) != after.get(k)}

    bin_dir = os.path.join(venv, "bin")
    vectors = os.path.join(work, "words.txt")
    with open(vectors, "w", encoding="utf-8") as f:
        f.write("3 4\nking 0.1 0.2 0.3 0.4\nqueen 0.2 0.1 0.4 0.3\ntab\tword 1 0 0 0\n")
    logdir = os.path.join(work, "logdir")
    run([f"{bin_dir}/projector-export", "import", vectors, "--logdir", logdir, "--run", "glove", "--name", "words",
         "--normalize"], cwd=work)
    report = run([f"{bin_dir}/projector-export", "validate", "--logdir", logdir], cwd=work)
    assert report.startswith("ok: 1 embedding(s) checked, 0 error(s)"), report

    check = f"""
import doctest, os, sys, exporter, exporter.callback, tensorflow, keras
from exporter.run.folder import read_export
from models.softmax.data import SAMPLE_DIR
table = read_export({logdir!r}, "glove", "words")
assert table.vectors.shape == (3, 4) and table.metadata.iloc[:2, 0].tolist() == ["king", "queen"], table.metadata
site = os.path.dirname(os.path.dirname(exporter.__file__))
assert site.startswith({venv!r}) and SAMPLE_DIR.startswith(site), (site, SAMPLE_DIR)
assert sorted(os.listdir(SAMPLE_DIR)), SAMPLE_DIR
assert os.path.isfile(os.path.join(sys.prefix, "share", "doc", "projector-export", "docs", "export.md"))
assert doctest.testmod(exporter.callback).failed == 0
print(tensorflow.__version__, keras.__version__)
"""
    versions = run([f"{bin_dir}/python", "-c", check], cwd=work).split()
    assert versions == [before["tensorflow"], before["keras"]]


def _constraint(name):
    with open(os.path.join(ROOT, "constraints.txt"), encoding="utf-8") as f:
        return next(line.split("==")[1].strip() for line in f if line.lower().startswith(f"{name}=="))
