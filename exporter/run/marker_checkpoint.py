"""The run's marker checkpoint: a constant scalar whose prefix changes at every commit.

A TensorBoard with TensorFlow re-reads a run's projector config only when the run's
latest checkpoint (`tf.train.latest_checkpoint`) changes; this tiny checkpoint makes
every export, re-export and removal such a change. It holds one 0-D int32
(`projector_export` = 1), never a 2-D variable, so TensorBoard lists no tensor from
it. Its two files are the bytes TensorFlow's SaveV2 writes for that scalar: they do
not depend on the prefix, so no TensorFlow is needed to write them
(tests/unit/exporter/run/test_folder.py checks that TensorFlow reads them).
"""

import glob
import os
import re

from exporter.errors import ExportError
from exporter.run.folder import LEGACY_PREFIX, MARKER_PREFIX
from exporter.tensor_bundle import STATE_FILE
from exporter.writers.atomic import write_atomic

#: `<prefix>.index`: a one-entry tensor bundle index (SSTable) naming `projector_export`.
INDEX_BYTES = bytes.fromhex(
    "00000608011a02080100100b70726f6a6563746f725f6578706f7274080312002804351d158265000000000100000000"
    "6965996d000000000100000000c0f2a1b000010271002f00000000010000000045f1d09a3408410e0000000000000000"
    "0000000000000000000000000000000000000000000000000000000057fb808b247547db"
)
#: `<prefix>.data-00000-of-00001`: the scalar's value, int32 1.
DATA_BYTES = bytes.fromhex("01000000")
_STATE = re.compile(rf'^model_checkpoint_path: "(?:{re.escape(MARKER_PREFIX)}|{re.escape(LEGACY_PREFIX)})-(\d+)"$', re.M)


def current_number(run_dir):
    """The commit number the run's checkpoint state names (0 when there is none).

    Raises `ExportError` when the state file is another program's: TensorBoard reads
    one checkpoint per run, and re-pointing it would hide that program's tensors.
    """
    state = os.path.join(run_dir, STATE_FILE)
    if not os.path.lexists(state):
        return 0
    with open(state, encoding="utf-8", errors="replace") as f:
        match = _STATE.search(f.read())
    if not match:
        raise ExportError(
            f"{state} belongs to another program's checkpoint; TensorBoard reads only one "
            "checkpoint per run: export into another --run"
        )
    return int(match.group(1))


def write_marker(run_dir, number):
    """Writes marker checkpoint `number` (not yet current: `point_state_at` makes it so)."""
    prefix = _prefix(run_dir, number)
    write_atomic(prefix + ".data-00000-of-00001", DATA_BYTES)
    write_atomic(prefix + ".index", INDEX_BYTES)


def point_state_at(run_dir, number):
    """Makes marker `number` the run's latest checkpoint."""
    name = os.path.basename(_prefix(run_dir, number))
    write_atomic(os.path.join(run_dir, STATE_FILE),
                 f'model_checkpoint_path: "{name}"\nall_model_checkpoint_paths: "{name}"\n')


def remove_stale(run_dir, keep):
    """Removes this tool's checkpoint files (markers and the older format's) but marker `keep`."""
    kept = os.path.basename(_prefix(run_dir, keep)) + "."
    for prefix in (MARKER_PREFIX, LEGACY_PREFIX):
        for path in glob.glob(os.path.join(glob.escape(run_dir), f"{prefix}-*")):
            if not os.path.basename(path).startswith(kept):
                os.unlink(path)


def _prefix(run_dir, number):
    return os.path.join(run_dir, f"{MARKER_PREFIX}-{number}")
