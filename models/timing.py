"""`EpochTimer`: wall-clock seconds per epoch, for the benchmarks' speed figures.

Example:
>>> timer = EpochTimer()
>>> timer.on_epoch_begin(0); timer.on_epoch_end(0)
>>> len(timer.seconds)
1
"""

import time

import keras


class EpochTimer(keras.callbacks.Callback):
    """Records the wall-clock seconds of each epoch in `seconds`."""

    def __init__(self):
        super().__init__()
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self.started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self.started)
