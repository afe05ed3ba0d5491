"""`save_picture`: a PNG of one layout, coloured by a metadata column (legend or colour bar).

Example:
>>> import numpy as np, os, pandas as pd, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "layout-tsne.png")
>>> save_picture(path, np.random.rand(50, 2), "t-SNE of 50 points", pd.Series(["a", "b"] * 25, name="kind"))
>>> os.path.getsize(path) > 0
True
"""

import numpy as np
import pandas as pd

#: Most legend entries drawn; further values share their colours but are not listed.
_LEGEND_MAX = 20


def save_picture(path, coordinates, title, colors=None):
    """Writes a scatter plot of `coordinates` (N x 2 or N x 3) to `path` (PNG).

    Args:
      path: where the PNG goes.
      coordinates: the layout, row i = point i.
      title: printed above the plot.
      colors: None (one colour), or an N-long `pandas.Series` named after its
        column: numbers get a colour bar, other values a legend.
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    coords = np.asarray(coordinates, dtype=np.float64)
    three_d = coords.shape[1] == 3
    figure = plt.figure(figsize=(8, 7), dpi=110)
    axes = figure.add_subplot(projection="3d" if three_d else None)
    size = float(np.clip(4000 / len(coords), 0.3, 30))
    xyz = [coords[:, i] for i in range(coords.shape[1])]
    numbers = None if colors is None else pd.to_numeric(colors, errors="coerce")
    if colors is None:
        axes.scatter(*xyz, s=size, c="#1f77b4", linewidths=0, rasterized=True)
    elif numbers.notna().all() and colors.nunique() > 1 and not _few_text_values(colors):
        shown = axes.scatter(*xyz, s=size, c=numbers.to_numpy(), cmap="viridis", linewidths=0, rasterized=True)
        figure.colorbar(shown, ax=axes, label=colors.name, shrink=0.8)
    else:
        values, codes = np.unique(colors.astype(str).to_numpy(), return_inverse=True)
        palette = plt.get_cmap("tab10" if len(values) <= 10 else "tab20")
        point_colors = palette(codes % palette.N)
        axes.scatter(*xyz, s=size, c=point_colors, linewidths=0, rasterized=True)
        handles = [plt.Line2D([], [], ls="", marker="o", color=palette(i % palette.N), label=str(v)[:30])
                   for i, v in enumerate(values[:_LEGEND_MAX])]
        more = f" (first {_LEGEND_MAX} of {len(values)})" if len(values) > _LEGEND_MAX else ""
        axes.legend(handles=handles, title=f"{colors.name}{more}", loc="upper left", bbox_to_anchor=(1.01, 1),
                    fontsize=8, title_fontsize=9, frameon=False)
    axes.set_title(title, fontsize=10)
    axes.set_xticks([])
    axes.set_yticks([])
    if three_d:
        axes.set_zticks([])
    figure.savefig(path, bbox_inches="tight")
    plt.close(figure)


def _few_text_values(colors):
    # 0/1 classes are numbers, yet a legend reads better than a colour bar for them.
    return colors.nunique() <= 10 and set(pd.to_numeric(colors).unique()) <= set(range(10))
