"""`fft_backend` names the FFT openTSNE was built with, as the dynamic linker sees it."""

import importlib.util
import os
import shutil
import subprocess
import sys

import pytest

from exporter.layouts.fft import fft_backend


def _links_fftw(python_path=None):
    """Whether `ldd` lists libfftw3 for the openTSNE matrix_mul module found on `python_path`."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [python_path, os.getcwd()]))}
    origin = subprocess.run([sys.executable, "-c", "import importlib.util; print(importlib.util.find_spec("
                             "'openTSNE._matrix_mul.matrix_mul').origin)"], env=env, capture_output=True, text=True,
                            check=True).stdout.strip()
    return "libfftw3" in subprocess.run(["ldd", origin], capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(shutil.which("ldd") is None, reason="needs ldd")
def test_backend_is_what_the_module_links():
    assert fft_backend() == ("fftw" if _links_fftw() else "numpy")


def test_no_opentsne_is_none(tmp_path):
    # A folder named like a package that is not openTSNE's: nothing to read.
    (tmp_path / "openTSNE").mkdir()
    (tmp_path / "openTSNE" / "__init__.py").write_text("")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.getcwd()])}
    done = subprocess.run([sys.executable, "-c", "from exporter.layouts.fft import fft_backend; print(fft_backend())"],
                          env=env, capture_output=True, text=True, check=True)
    assert done.stdout.split()[-1] == "None"
    assert importlib.util.find_spec("openTSNE") is not None  # this process still has the real one
