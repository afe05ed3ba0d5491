"""Headless Debian Chromium on TensorBoard's projector page, driven through Playwright.

Example:
>>> with TensorBoardServer(logdir) as tb, open_projector(tb.url) as projector:  # doctest: +SKIP
...     projector.wait_until_drawn()
...     projector.status(), projector.finite_point_count()
((3, 4), 3)
>>> projector.click_bookmark("PCA (all 3 points)")                            # doctest: +SKIP
>>> projector.screenshot("my_test")  # -> tests/artifacts/my_test.png         # doctest: +SKIP

Only the system browser is used (`playwright install` cannot download here).
"""

import contextlib
import os
import re

import numpy as np

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")  # make test sets it
#: The flags verified with TensorBoard's projector (../shared/docs/projector-format.md);
#: Playwright adds --headless and a fresh --user-data-dir itself.
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "artifacts")

# Finds <vz-projector> through the shadow roots of TensorBoard's Polymer elements.
_FIND = """
function find(root, selector) {
  const hit = root.querySelector(selector);
  if (hit) return hit;
  for (const node of root.querySelectorAll('*')) {
    if (node.shadowRoot) { const inner = find(node.shadowRoot, selector); if (inner) return inner; }
  }
  return null;
}
"""
_STATE = """
() => {""" + _FIND + """
  const p = find(document, 'vz-projector');
  const ds = p && p.dataSet;
  const plot = p && p.projectorScatterPlotAdapter && p.projectorScatterPlotAdapter.scatterPlot;
  const positions = plot && plot.worldSpacePointPositions;
  return {
    points: ds ? ds.points.length : 0,
    pca: !!(ds && ds.projections && ds.projections['pca-0']),
    positions: positions ? positions.length : 0,
    text: p ? p.shadowRoot.textContent.replace(/\\s+/g, ' ') : '',
  };
}
"""


class ProjectorPage:
    """The projector frame of one page; every reader waits for nothing, `wait_*` methods wait."""

    def __init__(self, page, timeout):
        self.page = page
        self.timeout = timeout
        #: Uncaught JavaScript errors seen on the page (strings).
        self.errors = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        self._frame = None

    @property
    def frame(self):
        """The frame whose URL contains `projector_binary.html` (waits for it)."""
        if self._frame is None:
            self._until(lambda: any("projector_binary.html" in f.url for f in self.page.frames), "the projector frame")
            self._frame = next(f for f in self.page.frames if "projector_binary.html" in f.url)
        return self._frame

    def evaluate(self, function, arg=None):
        """Runs the JS `function(projector, arg)` with the `<vz-projector>` element; returns its result."""
        script = f"(arg) => {{ {_FIND} return ({function})(find(document, 'vz-projector'), arg); }}"
        return self.frame.evaluate(script, arg)

    def wait_until_drawn(self, points=None):
        """Waits until the data set is loaded, the initial PCA computed and every position drawn."""

        def drawn():
            state = self.frame.evaluate(_STATE)
            n = state["points"]
            return n > 0 and state["pca"] and state["positions"] == 3 * n and (points is None or n == points)

        self._until(drawn, f"{points or 'the'} points drawn")

    def select(self, run, tensor=None):
        """Shows `run` (and its `tensor`, else its first) as if picked in the DATA panel; then call `wait_until_drawn`."""
        panel = "find(p.shadowRoot, 'vz-projector-data-panel')"
        self.evaluate(f"(p, run) => {{ {panel}.selectedRun = run; }}", run)
        self._until(
            lambda: self.evaluate(f"(p, run) => {panel}.selectedRun === run && !!{panel}.selectedTensor", run),
            f"run {run!r} selected",
        )
        if tensor is not None:
            self.evaluate(f"(p, name) => {{ {panel}.selectedTensor = name; }}", tensor)

    def status(self):
        """(N, D) as the page shows it in `Points: N | Dimension: D`, or None if not shown."""
        match = re.search(r"Points: (\d+)\D*Dimension: (\d+)", self.frame.evaluate(_STATE)["text"])
        return (int(match.group(1)), int(match.group(2))) if match else None

    def point_count(self):
        """`dataSet.points.length`: the number of points the projector loaded."""
        return self.frame.evaluate(_STATE)["points"]

    def drawn_positions(self):
        """The (N, 3) world positions the scatter plot draws (NaN for points not drawn)."""
        flat = self.evaluate(
            "p => Array.from(p.projectorScatterPlotAdapter.scatterPlot.worldSpacePointPositions || [])"
        )
        return np.array([np.nan if v is None else v for v in flat], dtype=np.float64).reshape(-1, 3)

    def finite_point_count(self):
        """How many points have finite x, y and z: the points actually drawn."""
        return int(np.isfinite(self.drawn_positions()).all(axis=1).sum())

    def bookmark_labels(self):
        """Labels in the BOOKMARKS panel, in order."""
        return self.evaluate("p => find(p.shadowRoot, 'vz-projector-bookmark-panel').savedStates.map(s => s.label)")

    def click_bookmark(self, label):
        """Clicks the radio button of bookmark `label` and waits until the plot is redrawn from it.

        Call after `wait_until_drawn()`: a click before the initial PCA view lets the
        late PCA overwrite the bookmark's layout.
        """
        labels = self.bookmark_labels()
        if label not in labels:
            raise AssertionError(f"no bookmark {label!r} in the BOOKMARKS panel: {labels}")
        self.evaluate("p => { window.__positionsBefore = p.projectorScatterPlotAdapter.scatterPlot.worldSpacePointPositions; }")
        row = self.frame.locator("vz-projector-bookmark-panel .state-row").nth(labels.index(label))
        row.locator(".state-radio paper-icon-button").click()
        self._until(
            lambda: self.evaluate(
                "p => p.projectorScatterPlotAdapter.scatterPlot.worldSpacePointPositions !== window.__positionsBefore"
            ),
            f"the plot redrawn from bookmark {label!r}",
        )

    def search(self, query):
        """Types `query` into the inspector's search box; returns the indices of the points it selects."""
        self.frame.locator("vz-projector-inspector-panel #search-box input").fill(query)
        self._until(lambda: self.evaluate("p => (p.selectedPointIndices || []).length") > 0, f"matches for {query!r}")
        return self.evaluate("p => p.selectedPointIndices")

    def screenshot(self, name):
        """Saves the page as `tests/artifacts/<name>.png`; returns the path."""
        os.makedirs(ARTIFACTS, exist_ok=True)
        path = os.path.join(ARTIFACTS, f"{name}.png")
        self.page.screenshot(path=path)
        return path

    def _until(self, condition, what):
        # Playwright's sync API handles browser events only inside its own calls: poll with wait_for_timeout.
        for _ in range(int(self.timeout * 4)):
            if condition():
                return
            self.page.wait_for_timeout(250)
        state = self.frame.evaluate(_STATE) if self._frame is not None else {}
        state.pop("text", None)
        raise AssertionError(f"timed out after {self.timeout} s waiting for {what}; page: {state}; errors: {self.errors}")


@contextlib.contextmanager
def open_projector(tensorboard_url, *, timeout=120, viewport=(1400, 900)):
    """Yields a `ProjectorPage` on `<tensorboard_url>/#projector` in headless Chromium; closes the browser after."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
            page.set_default_timeout(timeout * 1000)
            projector = ProjectorPage(page, timeout)
            page.goto(tensorboard_url.rstrip("/") + "/#projector")
            yield projector
        finally:
            browser.close()
