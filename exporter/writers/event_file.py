"""The event file that makes TensorBoard list a folder as a run (tensorboard#3629).

Written with TensorBoard's record writer and event proto, which need no TensorFlow
(its `EventFileWriter` would import TensorFlow through `tf.io.gfile`).
"""

import glob
import io
import os
import socket
import time

from tensorboard.compat.proto import event_pb2
from tensorboard.summary.writer.record_writer import RecordWriter

from exporter.writers.atomic import write_atomic


def ensure_event_file(run_dir):
    """Writes an event file holding only the version record into `run_dir`, unless one is there."""
    if glob.glob(os.path.join(glob.escape(run_dir), "events.out.tfevents.*")):
        return
    buffer = io.BytesIO()
    RecordWriter(buffer).write(event_pb2.Event(wall_time=time.time(), file_version="brain.Event:2").SerializeToString())
    name = f"events.out.tfevents.{int(time.time())}.{socket.gethostname()}.{os.getpid()}.0.projector-export"
    write_atomic(os.path.join(run_dir, name), buffer.getvalue())
