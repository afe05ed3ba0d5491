"""The event file that makes TensorBoard list a folder as a run (tensorboard#3629)."""

import glob
import os

from tensorboard.summary.writer.event_file_writer import EventFileWriter


def ensure_event_file(run_dir):
    """Writes an empty event file into `run_dir` unless one is already there."""
    if glob.glob(os.path.join(glob.escape(run_dir), "events.out.tfevents.*")):
        return
    writer = EventFileWriter(run_dir, filename_suffix=".projector-export")
    writer.close()
