"""Draw the six KML icons once (32 x 32 PNG, transparent) into this folder (run from the repository root)."""
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.patches import Polygon, Circle, Rectangle, Wedge
import numpy as np
def rgb(c): return tuple(v / 255 for v in c[:3])
COL = {"threat": (214, 39, 40), "interceptor": (31, 119, 180), "radar": (44, 160, 44), "battery": (31, 119, 180),
       "asset": (148, 103, 189), "impact": (148, 0, 0)}
def draw(kind, ax):
    c = rgb(COL[kind]); kw = dict(facecolor=c, edgecolor="white", linewidth=2)
    if kind == "threat":      # a warhead: triangle pointing down
        ax.add_patch(Polygon([(0.15, 0.85), (0.85, 0.85), (0.5, 0.1)], **kw))
    elif kind == "interceptor":   # a diamond
        ax.add_patch(Polygon([(0.5, 0.95), (0.85, 0.5), (0.5, 0.05), (0.15, 0.5)], **kw))
    elif kind == "radar":     # a fan (radar face)
        ax.add_patch(Wedge((0.5, 0.1), 0.85, 50, 130, **kw))
    elif kind == "battery":   # a square
        ax.add_patch(Rectangle((0.15, 0.15), 0.7, 0.7, **kw))
    elif kind == "asset":     # a five-pointed star
        a = np.pi / 2 + np.arange(10) * np.pi / 5
        r = np.where(np.arange(10) % 2 == 0, 0.47, 0.2)
        ax.add_patch(Polygon(np.c_[0.5 + r * np.cos(a), 0.48 + r * np.sin(a)], **kw))
    elif kind == "impact":    # a burst: a circle with a cross
        ax.add_patch(Circle((0.5, 0.5), 0.38, **kw))
        ax.plot([0.28, 0.72], [0.28, 0.72], color="white", lw=2.5); ax.plot([0.28, 0.72], [0.72, 0.28], color="white", lw=2.5)
for kind in COL:
    fig = plt.figure(figsize=(0.32, 0.32), dpi=100)
    ax = fig.add_axes([0, 0, 1, 1]); ax.set_xlim(0, 1); ax.set_ylim(0, 1); ax.axis("off")
    draw(kind, ax)
    fig.savefig(f"src/thaadsim/data/icons/{kind}.png", transparent=True, dpi=100, metadata={"Software": None})
    plt.close(fig)
