"""Medians over rounds, ratios against direct and the HAProxy peer of the same layer, the targets, and the plot."""

import math
import os
import statistics

PEER = {"L4": "haproxy-tcp", "L7": "haproxy-http", "L7-plain": "plain-haproxy", "L7-mtls": "mtls-haproxy"}
SIDE = ("server", "client")  # order of per-sidecar lists


def median(values):
    values = [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    return statistics.median(values) if values else None


def summarise(variants, rounds):
    """{variant name: {metric: median}}; per-sidecar metrics become metric_server / metric_client / metric_max."""
    summary = {}
    for v in variants:
        runs = [r for r in rounds.get(v.name, []) if "error" not in r]
        s = {"rounds": len(runs), "failed": len(rounds.get(v.name, [])) - len(runs)}
        if not runs:
            summary[v.name] = s
            continue
        for key in ("rps_max", "rate", "p50", "p90", "p99", "p999", "iperf_gbps", "errors"):
            s[key] = median([r[key] for r in runs])
        s["rps_by_round"] = [r["rps_max"] for r in runs]
        for key in ("cps", "cps_errors"):
            if key in runs[0]:
                s[key] = median([r[key] for r in runs])
        if "cps" in runs[0]:
            s["cps_by_round"] = [r["cps"] for r in runs]
        for key in ("ready_ms", "vcpu_at_rate", "cpu_per_1k_at_rate", "cpu_per_1k_at_max", "rss_peak_mib",
                    "cpu_ms_per_conn"):
            if key in runs[0]:
                for i, side in enumerate(SIDE):
                    s[f"{key}_{side}"] = median([r[key][i] for r in runs])
                s[f"{key}_max"] = max(s[f"{key}_{side}"] for side in SIDE)
                s[f"{key}_sum"] = sum(s[f"{key}_{side}"] for side in SIDE)
        summary[v.name] = s
    direct = summary.get("direct", {})
    for s in summary.values():
        for p in ("p50", "p90", "p99"):
            if s.get(p) is not None and direct.get(p) is not None:
                s[f"added_{p}"] = s[p] - direct[p]
    return summary


def _f(value, digits=2, suffix=""):
    if value is None:
        return "–"
    return f"{value:,.{digits}f}{suffix}"


def _ratio(a, b, digits=2):
    if a is None or b is None or b == 0:
        return "–"
    return f"{a / b:.{digits}f}×"


def figures_table(variants, summary):
    head = ("| variant | req/s max | p50 ms | p90 ms | p99 ms | added p99 ms | iperf3 Gbit/s | vCPU per sidecar at "
            "1000 rps (srv / cli) | CPU s per 1000 req at max rate (srv + cli) | peak RSS MiB (srv / cli) | "
            "start→ready ms (srv / cli) |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for v in variants:
        s = summary[v.name]
        if s["rounds"] == 0:
            lines.append(f"| {v.name} | failed in every round | | | | | | | | | |")
            continue
        pair = lambda k, d=2: (f"{_f(s.get(k + '_server'), d)} / {_f(s.get(k + '_client'), d)}"
                               if s.get(k + "_server") is not None else "–")
        lines.append(
            f"| {v.name} | {_f(s['rps_max'], 0)} | {_f(s['p50'], 3)} | {_f(s['p90'], 3)} | {_f(s['p99'], 3)} | "
            f"{_f(s.get('added_p99'), 3)} | {_f(s['iperf_gbps'], 2)} | {pair('vcpu_at_rate', 3)} | "
            f"{_f(s.get('cpu_per_1k_at_max_sum'), 3)} | {pair('rss_peak_mib', 1)} | {pair('ready_ms', 0)} |")
    return "\n".join(lines)


def ratios_table(variants, summary):
    head = ("| variant | compared with | req/s vs direct | req/s vs peer | iperf3 vs direct | iperf3 vs peer | "
            "added p99 ms, this / peer | CPU/req at 1000 rps vs peer | CPU/req at max vs peer | peak RSS vs peer | "
            "start→ready vs peer |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    direct = summary.get("direct", {})
    for v in variants:
        s = summary[v.name]
        if v.name == "direct" or s["rounds"] == 0:
            continue
        peer_name = PEER.get(v.layer)
        p = summary.get(peer_name, {}) if peer_name != v.name else {}
        lines.append(
            f"| {v.name} | {peer_name if p else '–'} | {_ratio(s['rps_max'], direct.get('rps_max'))} | "
            f"{_ratio(s['rps_max'], p.get('rps_max'))} | {_ratio(s['iperf_gbps'], direct.get('iperf_gbps'))} | "
            f"{_ratio(s['iperf_gbps'], p.get('iperf_gbps'))} | "
            f"{_f(s.get('added_p99'), 3)} / {_f(p.get('added_p99'), 3)} | "
            f"{_ratio(s.get('cpu_per_1k_at_rate_sum'), p.get('cpu_per_1k_at_rate_sum'))} | "
            f"{_ratio(s.get('cpu_per_1k_at_max_sum'), p.get('cpu_per_1k_at_max_sum'))} | "
            f"{_ratio(s.get('rss_peak_mib_max'), p.get('rss_peak_mib_max'))} | "
            f"{_ratio(s.get('ready_ms_max'), p.get('ready_ms_max'), 0)} |")
    return "\n".join(lines)


def connections_table(variants, summary):
    head = ("| variant | connections/s (one request each) | errors | CPU ms per connection, server sidecar | "
            "client sidecar | connections/s per round |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for v in variants:
        s = summary[v.name]
        if not s.get("rounds") or "cps" not in s:
            continue
        lines.append(f"| {v.name} | {_f(s['cps'], 0)} | {_f(s['cps_errors'], 0)} | "
                     f"{_f(s['cpu_ms_per_conn_server'], 3)} | {_f(s['cpu_ms_per_conn_client'], 3)} | "
                     f"{', '.join(_f(x, 0) for x in s['cps_by_round'])} |")
    return "\n".join(lines)


def mtls_table(variants, summary):
    """Per mTLS variant: what mTLS costs against its own plaintext twin (same sidecars, no TLS), and the
    server sidecar against HAProxy terminating the same mTLS. Server-side CPU is the server sidecar's alone
    (the client sidecar is the same HAProxy in every variant)."""
    head = ("| variant | vs | req/s (keep-alive) | p50 ms, this / vs | p99 ms, this / vs | "
            "server CPU per request at 1000 rps | server CPU per request at max | connections/s | "
            "server CPU per connection | server CPU ms per connection, this − vs | iperf3 |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for v in variants:
        s = summary[v.name]
        if not v.mtls or not s.get("rounds"):
            continue
        for other in (v.baseline, PEER.get(v.layer)):
            o = summary.get(other, {})
            if other == v.name or not o.get("rounds"):
                continue
            extra = (s.get("cpu_ms_per_conn_server") - o.get("cpu_ms_per_conn_server")
                     if s.get("cpu_ms_per_conn_server") is not None and o.get("cpu_ms_per_conn_server") is not None
                     else None)
            lines.append(
                f"| {v.name} | {other} | {_ratio(s['rps_max'], o.get('rps_max'))} | "
                f"{_f(s['p50'], 3)} / {_f(o.get('p50'), 3)} | {_f(s['p99'], 3)} / {_f(o.get('p99'), 3)} | "
                f"{_ratio(s.get('cpu_per_1k_at_rate_server'), o.get('cpu_per_1k_at_rate_server'))} | "
                f"{_ratio(s.get('cpu_per_1k_at_max_server'), o.get('cpu_per_1k_at_max_server'))} | "
                f"{_ratio(s.get('cps'), o.get('cps'))} | "
                f"{_ratio(s.get('cpu_ms_per_conn_server'), o.get('cpu_ms_per_conn_server'))} | "
                f"{_f(extra, 3)} | {_ratio(s['iperf_gbps'], o.get('iperf_gbps'))} |")
    return "\n".join(lines)


def targets_table(summary):
    """The issue's targets, for the variants that exist in this run."""
    rows = []

    def check(name, measured, target, ok):
        rows.append(f"| {name} | {measured} | {target} | {'met' if ok else '**gap**'} |")

    l4, tcp = summary.get("outrigger-l4"), summary.get("haproxy-tcp")
    l7, http = summary.get("outrigger"), summary.get("haproxy-http")
    if l4 and tcp and l4["rounds"] and tcp["rounds"]:
        r = l4["iperf_gbps"] / tcp["iperf_gbps"]
        check("L4 TCP throughput vs HAProxy TCP", f"{r:.2f}×", "≥ 1.0×", r >= 1.0)
        r = l4["rps_max"] / tcp["rps_max"]
        check("L4 req/s vs HAProxy TCP", f"{r:.2f}×", "≥ 1.0×", r >= 1.0)
    if l7 and http and l7["rounds"] and http["rounds"]:
        r = l7["rps_max"] / http["rps_max"]
        check("HTTP req/s vs HAProxy HTTP", f"{r:.2f}×", "≥ 1.0×", r >= 1.0)
        if "added_p99" in l7 and "added_p99" in http:  # needs the direct variant in the run
            check("HTTP added p99 at 1000 rps vs HAProxy HTTP",
                  f"{l7['added_p99']:.3f} ms vs {http['added_p99']:.3f} ms", "≤ HAProxy's",
                  l7["added_p99"] <= http["added_p99"])
    for name, s in (("outrigger", l7), ("outrigger-l4", l4)):
        if not s or not s["rounds"]:
            continue
        check(f"{name}: vCPU per sidecar at 1000 rps (worst side)", f"{s['vcpu_at_rate_max']:.3f}", "≤ 0.20",
              s["vcpu_at_rate_max"] <= 0.20)
        check(f"{name}: peak RSS per sidecar (worst side)", f"{s['rss_peak_mib_max']:.1f} MiB", "≤ 48 MiB",
              s["rss_peak_mib_max"] <= 48)
        check(f"{name}: start to ready (worst side)", f"{s['ready_ms_max']:.0f} ms", "≤ 500 ms",
              s["ready_ms_max"] <= 500)
    if not rows:
        return ""
    return "\n".join(["| target | measured | wanted | |", "|---|---|---|---|"] + rows)


def threads_table(variants, rounds):
    """Where each sidecar's CPU went at the fixed rate, by thread group (median over rounds, both sidecars summed)."""
    groups = ("event loops", "log appender", "JIT", "GC/VM", "other")
    lines = ["| variant | " + " | ".join(groups) + " | total |", "|---|" + "---|" * (len(groups) + 1)]
    for v in variants:
        runs = [r for r in rounds.get(v.name, []) if "vcpu_by_thread_at_rate" in r]
        if not runs:
            continue
        cells = []
        for g in groups:
            cells.append(median([sum(side.get(g, 0.0) for side in r["vcpu_by_thread_at_rate"]) for r in runs]))
        total = median([sum(r["vcpu_at_rate"]) for r in runs])
        lines.append(f"| {v.name} | " + " | ".join(_f(c, 3) for c in cells) + f" | {_f(total, 3)} |")
    return "\n".join(lines)


def rounds_table(variants, summary):
    lines = ["| variant | req/s max per round |", "|---|---|"]
    for v in variants:
        s = summary[v.name]
        lines.append(f"| {v.name} | {', '.join(_f(x, 0) for x in s.get('rps_by_round', []))}"
                     f"{' (failed: ' + str(s['failed']) + ')' if s['failed'] else ''} |")
    return "\n".join(lines)


def plot(variants, summary, rounds, rate, path, title):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [v.name for v in variants if summary[v.name]["rounds"]]
    percentiles = (("p50", "#4c72b0"), ("p90", "#dd8452"), ("p99", "#c44e52"))
    width = 0.26
    fig, ax = plt.subplots(figsize=(max(8, 1.35 * len(names) + 2), 5), dpi=110)
    for i, (p, color) in enumerate(percentiles):
        xs = [j + (i - 1) * width for j in range(len(names))]
        ys = [summary[n][p] for n in names]
        per_round = [[r[p] for r in rounds[n] if "error" not in r] for n in names]
        low = [y - min(rs) for y, rs in zip(ys, per_round)]
        high = [max(rs) - y for y, rs in zip(ys, per_round)]
        bars = ax.bar(xs, ys, width, label=p, color=color, yerr=[low, high], capsize=3,
                      error_kw={"elinewidth": 0.8, "ecolor": "#333333"})
        for bar, y in zip(bars, ys):
            ax.annotate(f"{y:.2f}", (bar.get_x() + bar.get_width() / 2, y), xytext=(0, 3),
                        textcoords="offset points", ha="center", va="bottom", fontsize=7,
                        bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5, "alpha": 0.8})
    if "direct" in summary and summary["direct"].get("p99") is not None:
        ax.axhline(summary["direct"]["p99"], color="#c44e52", linestyle=":", linewidth=1,
                   label="direct p99")
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names, rotation=15 if len(names) > 5 else 0)
    ax.set_ylabel("latency (ms)")
    ax.set_title(title, fontsize=10)
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    fig.text(0.99, 0.01, f"{rate:g} req/s, bars: median of rounds, whiskers: min–max", ha="right",
             fontsize=7, color="#555555")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def write_markdown(results_dir, started, mode, text, log):
    """Writes bench/results/<stamp>-<mode>.md, prints it, and returns its path."""
    os.makedirs(results_dir, exist_ok=True)
    path = os.path.join(results_dir, f"{started.strftime('%Y-%m-%d-%H%M')}-{mode}.md")
    with open(path, "w") as f:
        f.write(text)
    print(text)
    log(f"wrote {path}")
    return path
