"""A real `tensorboard` process on 127.0.0.1 and the projector's HTTP routes, for tests.

Example:
>>> with TensorBoardServer("logdir") as tb:            # doctest: +SKIP
...     tb.wait_for_tensor("demo", "animals")
...     tb.tensor("demo", "animals").shape, tb.metadata("demo", "animals")[:3]
((3, 4), ['cat', 'dog', 'cow'])

In tests, the `tensorboard` fixture (tests/conftest.py) gives one server per test
module over a fresh logdir (`tb.logdir`): export into your own run names there.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

import numpy as np

PROJECTOR_ROUTES = "/data/plugin/projector"
# The line TensorBoard (and `projector-export serve`) prints once its socket is bound.
_SERVING = re.compile(r"^TensorBoard \S+ at http://127\.0\.0\.1:(\d+)/", re.M)
#: TensorBoard and projector-export from the same environment as the tests.
TENSORBOARD = os.path.join(os.path.dirname(sys.executable), "tensorboard")
PROJECTOR_EXPORT = os.path.join(os.path.dirname(sys.executable), "projector-export")


class TensorBoardError(RuntimeError):
    """TensorBoard did not start, or a route answered with an HTTP error (its body is the message)."""


class TensorBoardServer:
    """Starts `tensorboard --logdir LOGDIR --host 127.0.0.1 --port 0`; stops it on exit.

    The server binds a port the kernel picks and prints it ("TensorBoard 2.21.0 at
    http://127.0.0.1:40123/"): the port is read back from that line of this process's
    own output, so no other process can take it between a choice and the bind.

    Args:
      logdir: the log directory to serve (it may be empty and filled later).
      reload_interval: seconds between TensorBoard's scans for new runs.
      startup_timeout: seconds to wait until `/data/plugin/projector/runs` answers.
      poll_interval: seconds between two checks while waiting (benchmarks use a finer one).
    """

    def __init__(self, logdir, *, reload_interval=1, startup_timeout=120, poll_interval=0.25):
        self.logdir = str(logdir)
        self.reload_interval = reload_interval
        self.startup_timeout = startup_timeout
        self.poll_interval = poll_interval
        self.port = None
        self.process = None
        self._log = None

    @property
    def url(self):
        """The root URL, e.g. `http://127.0.0.1:40123`; the projector is at `url + "/#projector"`."""
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def start(self):
        self._log = tempfile.NamedTemporaryFile(prefix="tensorboard-", suffix=".log", delete=False)
        self.port = None
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
        self.process = subprocess.Popen(self.command(), stdout=self._log, stderr=subprocess.STDOUT, env=env)
        try:
            self.wait_until(self._bound, timeout=self.startup_timeout, what="TensorBoard to print its port")
            self.wait_until(self._answers, timeout=self.startup_timeout, what="TensorBoard to answer")
        except BaseException:
            self.stop()
            raise

    def command(self):
        """The command line that starts the server on a port the kernel picks."""
        return [
            TENSORBOARD, "--logdir", self.logdir, "--host", "127.0.0.1", "--port", "0",
            "--reload_interval", str(self.reload_interval), "--load_fast", "false",
        ]

    def stop(self):
        """Terminates the process by its PID (kills it if it does not exit within 10 s)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log is not None:
            self._log.close()

    def log(self):
        """TensorBoard's own output so far (for failure messages)."""
        with open(self._log.name, encoding="utf-8", errors="replace") as f:
            return f.read()

    # --- the projector's routes -------------------------------------------------------

    def get(self, route, **params):
        """The raw body of `GET /data/plugin/projector/<route>?<params>`; HTTP errors raise `TensorBoardError`."""
        query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
        url = f"{self.url}{PROJECTOR_ROUTES}/{route}" + (f"?{query}" if query else "")
        try:
            with urllib.request.urlopen(url, timeout=120) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            body = error.read().decode("utf-8", errors="replace")
            raise TensorBoardError(f"GET {url}: HTTP {error.code}: {body}") from None

    def runs(self):
        """Names of the runs the projector offers (those with at least one 2-D tensor)."""
        return json.loads(self.get("runs"))

    def info(self, run):
        """The run's `ProjectorConfig` as JSON (`embeddings[i].tensorName`, `.tensorShape`, ...)."""
        return json.loads(self.get("info", run=run))

    def embedding(self, run, name):
        """The `/info` entry of tensor `name` in `run`, or None."""
        return next((e for e in self.info(run)["embeddings"] if e["tensorName"] == name), None)

    def tensor(self, run, name, num_rows=None):
        """The float32 (N, D) matrix `/tensor` serves, shaped with the `/info` shape."""
        data = np.frombuffer(self.get("tensor", run=run, name=name, num_rows=num_rows), dtype="<f4")
        dim = int(self.embedding(run, name)["tensorShape"][1])
        return data.reshape(-1, dim)

    def metadata_text(self, run, name, num_rows=None):
        """The exact `metadata.tsv` text `/metadata` serves."""
        return self.get("metadata", run=run, name=name, num_rows=num_rows).decode("utf-8")

    def metadata(self, run, name, num_rows=None):
        """The labels the frontend gets: one column -> a list; several -> (header, rows).

        Parsed with the projector's rules: a line blank after trim is skipped, the
        first line is a header iff it holds a tab.
        """
        lines = [line for line in self.metadata_text(run, name, num_rows).split("\n") if line.strip()]
        if lines and "\t" in lines[0]:
            return lines[0].split("\t"), [line.split("\t") for line in lines[1:]]
        return lines

    def bookmarks(self, run, name):
        """The list of projector `State`s `/bookmarks` serves."""
        return json.loads(self.get("bookmarks", run=run, name=name))

    # --- waiting for TensorBoard to see files ------------------------------------------

    def wait_for_run(self, run, timeout=60):
        """Waits until `/runs` lists `run` (TensorBoard scans every `reload_interval` s)."""
        self.wait_until(lambda: run in self.runs(), timeout=timeout, what=f"run {run!r} in /runs")

    def wait_for_tensor(self, run, name, shape=None, timeout=60):
        """Waits until `/info` of `run` lists tensor `name` (with `shape`, if given)."""

        def ready():
            if run not in self.runs():
                return False
            entry = self.embedding(run, name)
            return entry is not None and (shape is None or list(map(int, entry["tensorShape"])) == list(shape))

        self.wait_until(ready, timeout=timeout, what=f"tensor {name!r} {shape or ''} in run {run!r}")

    def wait_until(self, condition, *, timeout, what):
        """Polls `condition()` until it is true; fails with TensorBoard's log tail after `timeout` s."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise TensorBoardError(f"tensorboard exited ({self.process.returncode}):\n{self.log()[-3000:]}")
            try:
                if condition():
                    return
            except (OSError, TensorBoardError):
                pass
            time.sleep(self.poll_interval)
        raise TensorBoardError(f"timed out after {timeout} s waiting for {what}; log:\n{self.log()[-3000:]}")

    def _bound(self):
        """True once the process printed the URL it serves on (`self.port` set from it)."""
        match = _SERVING.search(self.log())
        if match:
            self.port = int(match.group(1))
        return match is not None

    def _answers(self):
        self.runs()
        return True


class ServeServer(TensorBoardServer):
    """`projector-export serve LOGDIR` instead of `tensorboard` (same routes, every row).

    Args:
      logdir, reload_interval, startup_timeout: as for `TensorBoardServer`.
      max_points: passed as `--max-points` when given.
    """

    def __init__(self, logdir, *, max_points=None, **options):
        super().__init__(logdir, **options)
        self.max_points = max_points

    def command(self):
        command = [
            PROJECTOR_EXPORT, "serve", self.logdir, "--host", "127.0.0.1", "--port", "0",
            "--reload-interval", str(self.reload_interval),
        ]
        return command + (["--max-points", str(self.max_points)] if self.max_points else [])
