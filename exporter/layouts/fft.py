"""`fft_backend`: which FFT openTSNE's 2-D t-SNE descent runs on, FFTW or numpy's.

openTSNE compiles one of two `openTSNE._matrix_mul.matrix_mul` modules: against FFTW
when its headers are found at build time (a source build where Debian's
`libfftw3-dev` is installed; what `make` does), else numpy's FFT (its PyPI wheels).
Both have the same name and API, so the trace is in the compiled module: FFTW's
symbols. Measured on 20,000 points, the FFTW build is faster (docs/layouts.md#fftw).

Example:
>>> fft_backend() in ("fftw", "numpy")
True
"""

import glob
import importlib.machinery
import importlib.util
import os


def fft_backend():
    """"fftw" or "numpy": the FFT of the openTSNE on the path; None when openTSNE is not installed."""
    spec = importlib.util.find_spec("openTSNE")  # finds, does not import (openTSNE imports scikit-learn)
    for folder in (spec.submodule_search_locations or []) if spec else []:
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            for path in glob.glob(os.path.join(folder, "_matrix_mul", "matrix_mul" + suffix)):
                with open(path, "rb") as module:
                    return "fftw" if b"fftw_execute" in module.read() else "numpy"
    return None
