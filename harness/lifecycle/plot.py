"""Plots of sampled runs (matplotlib, no display): what a reader of the report should see of a soak."""

from __future__ import annotations

import io

from harness.lifecycle.sampler import Sample

PANELS = (
    ("cpu_pct", "CPU %"),
    ("mem_used_pct", "memory used %"),
    ("disk_write_bps", "disk write B/s"),
    ("net_rx_bps", "network receive B/s"),
)


def runs_png(title: str, runs: list[list[Sample]], trim_fraction: float, series: str = "run") -> bytes:
    """One PNG: a panel per resource, a line per run (or per hour of a long run), the trimmed ends shaded."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    fig, axes = plt.subplots(len(PANELS), 1, figsize=(8, 7), sharex=True, dpi=100)
    try:
        for ax, (field, label) in zip(axes, PANELS, strict=True):
            for index, run in enumerate(runs, start=1):
                ax.plot([s.t for s in run], [float(getattr(s, field)) for s in run], label=f"{series} {index}", lw=1.2)
            span = max((r[-1].t for r in runs if r), default=0.0)
            if span:
                ax.axvspan(0, span * trim_fraction, color="0.9")
                ax.axvspan(span * (1 - trim_fraction), span, color="0.9")
            ax.set_ylabel(label, fontsize=8)
            ax.tick_params(labelsize=7)
            ax.grid(True, lw=0.3)
        axes[0].legend(fontsize=7, loc="upper right")
        axes[0].set_title(title, fontsize=9)
        axes[-1].set_xlabel("s", fontsize=8)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        return buf.getvalue()
    finally:
        plt.close(fig)
