"""The word2vec demo as a user sees it: TensorBoard's Scalars show sim(bbb, ccc) rising, the projector every epoch."""

import json
import urllib.parse
import urllib.request

from models.word2vec.cli import DEMO
from models.word2vec.train import train


def scalars(tensorboard, run, tag):
    query = urllib.parse.urlencode({"run": run, "tag": tag})
    with urllib.request.urlopen(f"{tensorboard.url}/data/plugin/scalars/scalars?{query}", timeout=60) as response:
        return {step: value for _, step, value in json.loads(response.read())}


def test_scalars_tab_shows_sim_bbb_ccc_rising_and_projector_lists_every_epoch(tensorboard):
    train("proximity", logdir=tensorboard.logdir, verbose=0, **DEMO)
    run, last = "word2vec-proximity", DEMO["epochs"]
    tensorboard.wait_for_tensor(run, f"embedding.epoch-{last:03d}", shape=(26, 16))
    names = sorted(e["tensorName"] for e in tensorboard.info(run)["embeddings"])
    assert names == [f"embedding.epoch-{e:03d}" for e in range(last + 1)]
    header, rows = tensorboard.metadata(run, f"embedding.epoch-{last:03d}")
    assert header == ["label", "moved"] and rows[1][0] == "bbb"

    tensorboard.wait_until(lambda: len(scalars(tensorboard, run, "embedding/sim(bbb, zzz)")) == last + 1,
                           timeout=60, what="the sim scalars")
    near = scalars(tensorboard, run, "embedding/sim(bbb, ccc)")
    far = scalars(tensorboard, run, "embedding/sim(bbb, zzz)")
    assert sorted(near) == list(range(last + 1))
    assert near[last] > near[0] + 0.3 and near[last] > 0.5
    assert far[last] < near[last] - 0.5
