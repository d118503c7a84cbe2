"""One self-contained HTML report of a run (python -m calib.debug --report run.html, make report).

Sections: accuracy summary; findings; the per-layer table (every layer of the net, with its
scale, the data's scale, bits used, saturation/underflow, SQNR, cosine, that layer alone int8);
every converter point; histograms of float vs dequantized int8 per layer; saturation and
underflow bars; for each failing golden-vs-RTL check kept on disk (KEEP_DUMPS, tb/diff.py) a heat
map of where the differences are. Plots are matplotlib PNGs embedded as base64: the file needs
nothing else to open.
"""
from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import numpy as np


def _plt():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80, bbox_inches="tight")
    _plt().close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def _img(src: str, alt: str) -> str:
    return f'<img alt="{html.escape(alt)}" src="{src}">'


def histograms(an, eacts) -> list[tuple[str, str]]:
    """(layer, PNG) of float vs dequantized int8 values per operation output."""
    plt = _plt()
    out = []
    for name, q in an.outs.items():
        if name not in eacts:
            continue
        s = float(an.used.get(name, 0) or 0)
        if not s:
            for op in an.plan.ops:                   # pooling: its input's scale
                if getattr(op, "name", None) == name and hasattr(op, "scale"):
                    s = float(op.scale)
        f = np.asarray(eacts[name], dtype=np.float64).ravel()
        d = np.asarray(q, dtype=np.float64).ravel() * s
        fig, ax = plt.subplots(figsize=(4.2, 2.6))
        lo, hi = float(min(f.min(), d.min())), float(max(f.max(), d.max()))
        bins = np.linspace(lo, hi if hi > lo else lo + 1, 80)
        ax.hist(f, bins=bins, alpha=0.6, label="float", log=True)
        ax.hist(d, bins=bins, alpha=0.6, label="int8 x scale", log=True)
        ax.axvline(127 * s, color="r", lw=0.8)
        ax.axvline(-128 * s, color="r", lw=0.8)
        ax.set_title(f"{name}: scale {s:.4g}", fontsize=9)
        ax.legend(fontsize=7)
        out.append((name, _png(fig)))
    return out


def saturation_bars(an) -> str:
    plt = _plt()
    pts = [p for p in an.points if p.width == 8]
    fig, ax = plt.subplots(figsize=(7, 2.8))
    x = np.arange(len(pts))
    ax.bar(x - 0.2, [100 * p.sat_rate for p in pts], 0.4, label="saturated (at -128/127) %")
    ax.bar(x + 0.2, [100 * p.underflow_rate for p in pts], 0.4, label="underflow (0, float not) %")
    ax.set_xticks(x, [f"{p.layer}\n{p.point}" for p in pts], fontsize=7)
    ax.legend(fontsize=7)
    ax.set_ylabel("% of nonzero float outputs")
    return _png(fig)


def heat_maps(dumps) -> list[tuple[str, str, list[str]]]:
    """(check, PNG, report lines) for each kept check whose golden and RTL dumps differ."""
    from tb import diff
    plt = _plt()
    out = []
    for d in diff.check_dirs(Path(dumps)):
        if not ((d / "golden.bin").is_file() and (d / "rtl.bin").is_file()):
            continue
        rep = diff.compare_dir(d)
        if not rep.mismatches:
            continue
        E, _ = diff.decode(diff.read_bin(d / "golden.bin"), rep.layout)
        G, _ = diff.decode(diff.read_bin(d / "rtl.bin"), rep.layout)
        m = E != G
        ax_names = rep.layout.axes
        fig, axs = plt.subplots(1, 2, figsize=(8, 3))
        im = axs[0].imshow(m.sum(axis=0), aspect="auto", cmap="magma", interpolation="nearest")
        axs[0].set_title(f"mismatching {ax_names[0]} per ({ax_names[1]}, {ax_names[2]})", fontsize=8)
        axs[0].set_xlabel(ax_names[2])
        axs[0].set_ylabel(ax_names[1])
        fig.colorbar(im, ax=axs[0])
        im = axs[1].imshow(np.abs(G - E).max(axis=2), aspect="auto", cmap="viridis",
                           interpolation="nearest")
        axs[1].set_title(f"max |diff| per ({ax_names[0]}, {ax_names[1]})", fontsize=8)
        axs[1].set_xlabel(ax_names[1])
        axs[1].set_ylabel(ax_names[0])
        fig.colorbar(im, ax=axs[1])
        out.append((str(d.relative_to(Path(dumps)) if d != Path(dumps) else d.name), _png(fig),
                    rep.lines("golden", "rtl")))
    return out


_CSS = """body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;font-size:12px}
td,th{border:1px solid #bbb;padding:2px 6px;text-align:right}th{background:#eee}
td.l{text-align:left}.bad{background:#fdd}.fig{display:inline-block;margin:4px}
pre{background:#f6f6f6;padding:6px;font-size:12px}"""


def render(an, net=None, title="run", dumps=None, eacts=None) -> str:
    e = html.escape
    h = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{e(title)}</title>"
         f"<style>{_CSS}</style></head><body>", f"<h1>nv_small int8 debug report: {e(title)}</h1>"]
    h.append(f"<p id='summary'>float top-1 {an.float_top1:.2f} %, int8 top-1 {an.int8_top1:.2f} %"
             + (f", all suggestions applied {an.fixed_top1:.2f} %" if an.fixed_top1 is not None else "")
             + "</p>")
    h.append("<h2>Findings</h2>")
    if an.findings:
        h.append("<ol id='findings'>" + "".join(f"<li>{e(f.line())}</li>" for f in an.findings)
                 + "</ol>")
    else:
        h.append("<p id='findings'>no problem found</p>")
    # per-layer table: every layer of the net
    rows = {r["layer"]: r for r in an.rows}
    by_layer: dict[str, list] = {}
    for p in an.points:
        by_layer.setdefault(p.layer, []).append(p)
    flagged = {f.layer for f in an.findings}
    h.append("<h2>Layers</h2><table id='layers'><tr><th>layer</th><th>type</th><th>scale</th>"
             "<th>data scale</th><th>ratio</th><th>bits used</th><th>sat %</th><th>underflow %</th>"
             "<th>SQNR dB</th><th>cosine</th><th>alone int8 top-1</th></tr>")
    layers = [(L.name, L.type) for L in net.layers] if net is not None else \
        [(r["layer"], "") for r in an.rows]
    for name, typ in layers:
        r = rows.get(name, {})
        p = (by_layer.get(name) or [None])[-1]
        scale = r.get("scale", an.used.get(name))

        def f(v, fmt):
            return "" if v is None else format(v, fmt)
        h.append(f"<tr class='{'bad' if name in flagged else ''}' data-layer='{e(name)}'>"
                 f"<td class='l'>{e(name)}</td><td class='l'>{e(typ)}</td>"
                 f"<td>{f(scale, '.5g')}</td><td>{f(r.get('data_scale'), '.5g')}</td>"
                 f"<td>{f(r.get('ratio'), '.3g')}</td>"
                 f"<td>{f(p.bits_used, 'd') + '/' + str(p.width) if p else ''}</td>"
                 f"<td>{f(100 * p.sat_rate, '.2f') if p else ''}</td>"
                 f"<td>{f(100 * p.underflow_rate, '.2f') if p else ''}</td>"
                 f"<td>{f(p.sqnr_db, '.2f') if p else ''}</td><td>{f(p.cosine, '.4f') if p else ''}</td>"
                 f"<td>{f(r.get('alone_top1'), '.2f')}</td></tr>")
    h.append("</table>")
    h.append("<h2>Converter points</h2><table id='points'><tr><th>layer</th><th>point</th>"
             "<th>float min</th><th>float max</th><th>int min</th><th>int max</th><th>bits</th>"
             "<th>sat %</th><th>underflow %</th><th>SQNR dB</th><th>cosine</th><th>setting</th></tr>")
    for p in an.points:
        h.append(f"<tr><td class='l'>{e(p.layer)}</td><td class='l'>{e(p.point)}</td>"
                 f"<td>{p.float_min:.4g}</td><td>{p.float_max:.4g}</td><td>{p.int_min}</td>"
                 f"<td>{p.int_max}</td><td>{p.bits_used}/{p.width}</td><td>{100 * p.sat_rate:.2f}</td>"
                 f"<td>{100 * p.underflow_rate:.2f}</td><td>{p.sqnr_db:.2f}</td>"
                 f"<td>{p.cosine:.4f}</td><td class='l'>{e(p.setting)}</td></tr>")
    h.append("</table>")
    if eacts is not None:
        h.append("<h2>Float vs dequantized int8</h2>")
        for name, src in histograms(an, eacts):
            h.append(f"<div class='fig' data-hist='{e(name)}'>{_img(src, 'histogram ' + name)}</div>")
    h.append("<h2>Saturation and underflow</h2>" + _img(saturation_bars(an), "saturation bars"))
    if dumps:
        maps = heat_maps(dumps)
        h.append("<h2>Golden vs RTL</h2>")
        if not maps:
            h.append("<p id='rtl'>every kept check: golden model and RTL equal</p>")
        for name, src, lines in maps:
            h.append(f"<h3>{e(name)}</h3><div class='fig' data-heatmap='{e(name)}'>"
                     f"{_img(src, 'heat map ' + name)}</div><pre>{e(chr(10).join(lines))}</pre>")
    # on load, the page records how many of its images decoded (read back by the test's
    # headless browser through --dump-dom)
    h.append("<script>window.addEventListener('load', function () {"
             "var im = document.images, ok = 0;"
             "for (var i = 0; i < im.length; i++) if (im[i].complete && im[i].naturalWidth > 0) ok++;"
             "document.body.setAttribute('data-images', im.length);"
             "document.body.setAttribute('data-images-ok', ok);});</script>")
    h.append("</body></html>")
    return "\n".join(h)


def render_dumps(dumps, title="golden vs RTL") -> str:
    """A report of kept dumps alone (python -m tb.diff DIR --report F): heat map + figures of
    every failing check, the list of equal ones."""
    from tb import diff
    e = html.escape
    h = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{e(title)}</title>"
         f"<style>{_CSS}</style></head><body><h1>{e(title)}</h1>"]
    maps = heat_maps(dumps)
    failing = {name for name, _, _ in maps}
    for d in diff.check_dirs(Path(dumps)):
        name = str(d.relative_to(Path(dumps))) if d != Path(dumps) else d.name
        if name not in failing:
            h.append(f"<p class='equal' data-check='{e(name)}'>{e(name)}: equal</p>")
    for name, src, lines in maps:
        h.append(f"<h3>{e(name)}</h3><div class='fig' data-heatmap='{e(name)}'>"
                 f"{_img(src, 'heat map ' + name)}</div><pre>{e(chr(10).join(lines))}</pre>")
    h.append("</body></html>")
    return "\n".join(h)


def write_report(path, an, net=None, title="run", dumps=None, eacts=None) -> Path:
    if eacts is None and hasattr(an, "eacts"):
        eacts = an.eacts
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(render(an, net, title, dumps, eacts))
    return p
