"""The event file that makes TensorBoard list a folder as a run (tensorboard#3629).

One record holding `Event(file_version="brain.Event:2")`, framed as TFRecord. It is
framed here: TensorBoard's `EventFileWriter` imports TensorFlow (through
`tf.io.gfile`), and even its `RecordWriter` imports `tensorboard.summary` (~0.3-0.9 s
of every command's start-up, measured); CRC-32C over a few dozen bytes is instant.
"""

import glob
import os
import socket
import struct
import time

from tensorboard.compat.proto import event_pb2

from exporter.writers.atomic import write_atomic


def ensure_event_file(run_dir):
    """Writes an event file holding only the version record into `run_dir`, unless one is there."""
    if glob.glob(os.path.join(glob.escape(run_dir), "events.out.tfevents.*")):
        return
    event = event_pb2.Event(wall_time=time.time(), file_version="brain.Event:2").SerializeToString()
    header = struct.pack("<Q", len(event))
    record = header + struct.pack("<I", _masked_crc32c(header)) + event + struct.pack("<I", _masked_crc32c(event))
    name = f"events.out.tfevents.{int(time.time())}.{socket.gethostname()}.{os.getpid()}.0.projector-export"
    write_atomic(os.path.join(run_dir, name), record)


def _crc32c_table():
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
        table.append(crc)
    return table


_TABLE = _crc32c_table()


def _masked_crc32c(data):
    """TFRecord's masked CRC-32C (Castagnoli) of `data`."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc = _TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    crc ^= 0xFFFFFFFF
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF
