"""Statistics, the results table, the targets (issue 11's on Docker, issue 12's on CRI) and the JSON summary of a
benchmark run (stdlib only).

Every ratio is of medians taken in the same run: against the raw runtime's baseline (its samples pooled over the
whole run) and against the kubelet measured by this run. Nothing here comes from an earlier run.
"""


def median(v):
    if not v:
        return None
    s = sorted(v)
    n = len(s)
    return s[n // 2] if n % 2 else round((s[n // 2 - 1] + s[n // 2]) / 2, 2)


def pct(values, p):
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(-(-p * len(s) // 100)) - 1))  # nearest rank
    return s[k]


def stats(values):
    return {"n": len(values), "median": median(values), "p90": pct(values, 90), "min": min(values),
            "max": max(values), "values": values}


def ratio(a, b):
    return round(a / b, 2) if a is not None and b else None


# The targets: (label, scenario, what is compared, limit). "ratio_kubelet" and "ratio_baseline" compare medians;
# "median" the median itself; "window" needs the median inside [lo, hi] and counts the trials outside; "all" needs
# every trial to have ended (none timed out); "reported" has no limit. Issue 11's for the agent on the Docker engine:
TARGETS = [
    ("drop -> running <= 0.8 x raw chain", "drop_running", "ratio_baseline", 0.8),
    ("drop -> running <= 0.9 x kubelet", "drop_running", "ratio_kubelet", 0.9),
    ("1st crash -> restarted <= 150 ms", "crash1_restarted", "median", 150),
    ("back-off 10 s +- 0.3 s (2nd crash)", "crash2_restarted", "window", (9700, 10300)),
    ("back-off 20 s +- 0.3 s (3rd crash)", "crash3_restarted", "window", (19700, 20300)),
    ("50 manifests -> running <= 0.7 x kubelet", "scale50_running", "ratio_kubelet", 0.7),
    ("50 mirrors Running <= 1 s after last container", "scale50_mirrors_after_last_container", "median", 1000),
    ("idle CPU at 50 pods <= 1 % incl. children", "idle50_cpu_pct", "median", 1.0),
    ("RSS at 50 pods, --kubeconfig, <= kubelet", "idle50_rss_mib", "ratio_kubelet", 1.0),
]
# issue 12's for the agent on CRI (containerd's CRI plugin), against the raw CRI calls of the same run:
TARGETS_CRI = [
    ("drop -> running <= 0.9 x raw CRI chain", "drop_running", "ratio_baseline", 0.9),
    ("1st crash -> restarted <= 150 ms", "crash1_restarted", "median", 150),
    ("50 manifests -> all 50 running", "scale50_running", "all", None),
    ("idle CPU at 50 pods <= 1 % incl. children", "idle50_cpu_pct", "median", 1.0),
    ("RSS at 50 pods", "idle50_rss_mib", "reported", None),
]
CRI_ENGINES = ("cri",)


def summarize(results, baselines, subjects, kubelet, extra):
    """results: {scenario: {subject: {"values", "baseline", "unit", ...}}}; baselines: {name: [values]}."""
    base = {k: stats(v) for k, v in baselines.items() if v}
    for per in results.values():  # the back-off schedule on top of a raw restart: "docker_start+10s" and the like
        for r in per.values():
            b = r.get("baseline") or ""
            raw, plus, secs = b.rpartition("+")[0], "+" in b, b.rpartition("+")[2].rstrip("s")
            if plus and raw in base and secs.isdigit() and b not in base:
                base[b] = stats([x + int(secs) * 1000 for x in base[raw]["values"]])
    scenarios = {}
    for name, per in results.items():
        entry = {}
        for subj, r in per.items():
            e = stats(r["values"])
            e["unit"] = r.get("unit", "ms")
            for k, v in r.items():
                if k not in ("values", "baseline", "unit"):
                    e[k] = v
            b = r.get("baseline")
            if b and b in base:
                e["baseline"] = b
                e["ratio_baseline"] = ratio(e["median"], base[b]["median"])
            entry[subj] = e
        if kubelet and kubelet in entry:
            for subj, e in entry.items():
                if subj != kubelet:
                    e["ratio_kubelet"] = ratio(e["median"], entry[kubelet]["median"])
        scenarios[name] = entry
    targets = evaluate(scenarios, subjects, kubelet, extra.get("apiserver"))
    summary = dict(extra, subjects=subjects, baselines=base, scenarios=scenarios, targets=targets)
    return table(scenarios, base), target_table(targets), summary


def evaluate(scenarios, subjects, kubelet, apiserver):
    out = []
    for subj, d in subjects.items():
        if d["kind"] != "agent":
            continue
        cri = d.get("engine") in CRI_ENGINES
        for label, scenario, kind, limit in TARGETS_CRI if cri else TARGETS:
            e = scenarios.get(scenario, {}).get(subj)
            k = scenarios.get(scenario, {}).get(kubelet) if kubelet and not cri else None
            row = {"target": label, "issue": 12 if cri else 11, "subject": subj, "scenario": scenario,
                   "n": e["n"] if e else 0,
                   "unit": e["unit"] if e else "", "median": e["median"] if e else None,
                   "kubelet_median": k["median"] if k else None, "measured": None, "met": None, "note": ""}
            if e is None:
                row["note"] = "not measured"
            elif kind == "window":
                row["measured"] = e["median"]
                row["met"] = limit[0] <= e["median"] <= limit[1]
                out_of = sum(1 for v in e["values"] if not limit[0] <= v <= limit[1])
                row["note"] = f"trials {e['min']:.0f}-{e['max']:.0f} ms, {out_of} of {e['n']} outside"
            elif kind == "median":
                row["measured"] = e["median"]
                row["met"] = e["median"] <= limit
            elif kind == "all":
                late = sum(1 for x in e.get("timed_out", []) if x)
                row["met"] = late == 0
                row["note"] = f"{e['n'] - late} of {e['n']} trials all running" + (
                    f", {late} timed out" if late else "")
            elif kind == "reported":
                row["measured"] = e["median"]
                row["note"] = "reported (no limit)"
            else:
                row["measured"] = e.get(kind)
                if row["measured"] is None:
                    row["note"] = "no kubelet in this run" if kind == "ratio_kubelet" else "no baseline"
                else:
                    row["met"] = row["measured"] <= limit
            if scenario == "idle50_rss_mib" and not apiserver and not cri:
                row["met"], row["note"] = None, "needs --apiserver (the target is with --kubeconfig)"
            if e and e["n"] < 5 and row["met"] is not None and not scenario.startswith(("idle", "scale")):
                row["note"] = (row["note"] + "; " if row["note"] else "") + f"n={e['n']} < 5"
            row["limit"] = list(limit) if isinstance(limit, tuple) else limit
            row["compares"] = kind
            out.append(row)
    return out


def fmt(v, unit):
    if v is None:
        return "-"
    return f"{v:.0f}" if unit == "ms" else f"{v:g}"


def render(rows):
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |" for r in rows]
    return "\n".join(lines[:1] + ["| " + " | ".join("-" * w for w in widths) + " |"] + lines[1:])


def table(scenarios, base):
    rows = [("scenario", "subject", "n", "median", "p90", "max", "baseline (same run)", "base median", "x base",
             "x kubelet")]
    for name, entry in scenarios.items():
        for subj, e in entry.items():
            u = e["unit"]
            b = e.get("baseline")
            rows.append((name, subj, str(e["n"]), fmt(e["median"], u) + " " + u, fmt(e["p90"], u), fmt(e["max"], u),
                         b or "-", fmt(base[b]["median"], "ms") if b else "-",
                         f"{e['ratio_baseline']:.2f}" if e.get("ratio_baseline") is not None else "-",
                         f"{e['ratio_kubelet']:.2f}" if e.get("ratio_kubelet") is not None else "-"))
    return render(rows)


def target_table(targets):
    rows = [("target", "issue", "subject", "median", "kubelet median", "measured", "verdict", "note")]
    for t in targets:
        verdict = "-" if t["met"] is None else ("met" if t["met"] else "MISSED")
        u = t["unit"]
        measured = "-" if t["measured"] is None else (
            f"{t['measured']:.2f} x" if t["compares"].startswith("ratio") else fmt(t["measured"], u) + " " + u)
        rows.append((t["target"], str(t["issue"]), t["subject"],
                     "-" if t["median"] is None else fmt(t["median"], u) + " " + u,
                     "-" if t["kubelet_median"] is None else fmt(t["kubelet_median"], u) + " " + u,
                     measured, verdict, t["note"]))
    return render(rows)
