"""The simulator's human-readable summary (the CLI prints it; --json prints the dict instead)."""
from __future__ import annotations


def _min(seconds) -> str:
    return "–" if seconds is None else f"{seconds / 60:.1f} min"


def _pct(share) -> str:
    return "–" if share is None else f"{share * 100:.1f}%"


def render(result: dict) -> str:
    sc, cu, w, est = result["scenario"], result["customers"], result["wait"], result["estimates"]
    util = result["utilisation"]
    lines = [
        f"CounterFlow branch simulation: {sc['counters']} counter(s), services {', '.join(sc['services'])}, "
        f"{sc['hours']:g} h, seed {sc['seed']}",
        f"customers: {cu['arrived']} arrived, {cu['served']} served, {cu['no_show']} no-show, "
        f"{cu['unserved']} unserved; {cu['measured']} measured after a {sc['warmup_min']:g} min warm-up",
        f"wait: mean {_min(w['mean_s'])}, median {_min(w['median_s'])}, p90 {_min(w['p90_s'])}, "
        f"max {_min(w['max_s'])}; within target {_pct(w['within_target_share'])}; "
        f"had to wait {_pct(w['prob_wait'])}",
        "utilisation: " + _pct(util["overall"]) + "  ("
        + ", ".join(f"counter {n} {_pct(u)}" for n, u in util["counters"].items()) + ")",
    ]
    if len(result["services"]) > 1:
        for code, s in result["services"].items():
            e = s["estimates"]
            lines.append(f"  {code}: {s['arrived']} arrived, wait mean {_min(s['mean_s'])}, "
                         f"p90 {_min(s['p90_s'])}, within target {_pct(s['within_target_share'])}; "
                         f"engine estimate mean {_min(e.get('mean_estimate_s'))}, "
                         f"error {_pct(e.get('relative_bias'))} of the waits")
    if est["count"]:
        lines.append(
            f"engine wait estimates vs waits that followed: mean estimate {_min(est['mean_estimate_s'])}, "
            f"mean wait {_min(est['mean_actual_s'])}; mean error {est['mean_error_s']:+.0f} s, "
            f"mean absolute error {est['mean_abs_error_s']:.0f} s, bias {est['bias']} "
            f"({_pct(est['relative_bias'])} of the waits)")
    erlang = result.get("erlang_c")
    if erlang:
        p, s = erlang["predicted"], erlang["simulated"]
        lines.append(f"Erlang C ({erlang['model']}) predicted vs simulated: had to wait {_pct(p['prob_wait'])} vs "
                     f"{_pct(s['prob_wait'])}; mean wait {_min(p['mean_wait_s'])} vs {_min(s['mean_wait_s'])}; "
                     f"within target {_pct(p['within_target_share'])} vs {_pct(s['within_target_share'])}; "
                     f"utilisation {_pct(p['utilisation'])} vs {_pct(s['utilisation'])}")
    rt = result["runtime"]
    lines.append(f"runtime: {rt['simulation_s']:.2f} s for {cu['arrived']} customers "
                 f"({rt['transactions']} engine transactions, {rt['ms_per_customer']:.1f} ms per customer), "
                 f"set-up {rt['setup_s']:.2f} s")
    if result.get("database"):
        lines.append(f"database kept: {result['database']}")
    return "\n".join(lines) + "\n"
