#!/usr/bin/env python3
"""Turns the raw output of one bench/run.sh run into results.json and RESULTS.md, with the ratios the
targets are stated in. Every figure comes from the run directory; nothing is carried over from earlier runs."""
import argparse
import csv
import json
import math
import os
import re
import statistics
import sys
from pathlib import Path

SYSTEMS = ("mesh", "nest", "baseline")
LABELS = {
    "mesh": "our gateway (main-gateway → push-service over TCP, Consul discovery)",
    "nest": "NestJS (platform-express app → Nest TCP microservice)",
    "baseline": "bare baseline (WebFlux/Reactor Netty, bytes from memory, no second hop)",
}


def parse_wrk(text):
    requests = int(re.search(r"(\d+) requests in", text).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    return {
        "requests": requests,
        "requests_per_second": rps,
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(int(g) for g in sock.groups()) if sock else 0,
    }


def pairs(path):
    out = {}
    for entry in Path(path).read_text().split():
        name, value = entry.split("=", 1)
        out[name] = value
    return out


def cpu_seconds(raw, system, phase, clk_tck):
    """CPU seconds of each process of a system, summed over the rounds of a phase."""
    total = {}
    for before_file in sorted(raw.glob(f"{system}.cpu-{phase}-before.*")):
        before = pairs(before_file)
        after = pairs(raw / before_file.name.replace("-before.", "-after."))
        for name in after:
            total[name] = total.get(name, 0) + (int(after[name]) - int(before[name])) / clk_tck
    return total


def percentile(sorted_values, q):
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, int(round(q * len(sorted_values) + 0.5)) - 1))
    return sorted_values[index]


def parse_vegeta(path):
    return parse_vegeta_files([path])


def parse_vegeta_files(paths):
    latencies, errors, total = [], 0, 0
    for path in paths:
        with open(path, newline="") as f:
            for row in csv.reader(f):
                total += 1
                code, latency_ns = int(row[1]), int(row[2])
                if code != 200:
                    errors += 1
                latencies.append(latency_ns / 1e6)
    latencies.sort()
    return {
        "requests": total,
        "errors": errors,
        "p50_ms": percentile(latencies, 0.50),
        "p99_ms": percentile(latencies, 0.99),
        "p999_ms": percentile(latencies, 0.999),
        "max_ms": latencies[-1] if latencies else None,
    }


def per_10k(seconds, requests):
    return round(sum(seconds.values()) / requests * 10_000, 3) if requests else None


def ratio(a, b):
    return round(a / b, 3) if a is not None and b else None

def fmt(v, digits=0):
    return "–" if v is None else f"{v:,.{digits}f}"


def distribution(values):
    """p50 / p99 / max of a list of milliseconds (nearest rank: with under 100 values p99 is the maximum)."""
    values = sorted(v for v in values if v is not None)
    return {"n": len(values), "p50_ms": percentile(values, 0.50), "p99_ms": percentile(values, 0.99),
            "max_ms": values[-1] if values else None}


def freshness(raw, targets):
    """Discovery freshness (bench/freshness/): per trial, ms from the Consul call until the gateway stopped
    (and started again) routing to the node. Adds its target; returns the results.json part and its section."""
    path = raw / "freshness.jsonl"
    trials = [json.loads(line) for line in path.read_text().splitlines() if line.strip()] if path.exists() else []
    settings = dict(line.split(" ", 1) for line in (raw / "freshness.settings").read_text().splitlines()) \
        if (raw / "freshness.settings").exists() else {}
    maintenance = [t for t in trials if t["mode"] == "maintenance"]
    deregister = [t for t in trials if t["mode"] == "deregister"]
    rows = [  # (what, trials, field)
        ("out of rotation, seen in /actuator/mesh (upper bound), all trials", trials, "gateway_out_ms"),
        ("… maintenance mode on (critical)", maintenance, "gateway_out_ms"),
        ("… deregistered", deregister, "gateway_out_ms"),
        ("out: the gateway's pool drops the node (its log line, ±1 ms), all trials", trials, "gateway_log_out_ms"),
        ("out: Consul's answer to our own blocking query, all trials", trials, "consul_out_ms"),
        ("resolution of the /actuator/mesh figure (gap between the polls around the change), all trials", trials, "gateway_out_resolution_ms"),
        ("back: maintenance off → in rotation, /actuator/mesh (upper bound)", maintenance, "gateway_in_ms"),
        ("back: maintenance off → the gateway's watcher routes to it (log)", maintenance, "gateway_log_in_ms"),
        ("back: deregistered → the node registered itself again (Consul lists it)", deregister, "registered_again_ms"),
        ("back: registered again → in rotation, /actuator/mesh (includes Consul's first TCP check)", deregister, "gateway_in_ms"),
        ("back: registered again → passing in Consul", deregister, "consul_in_ms"),
    ]
    summary = [{"measure": what, **distribution([t.get(field) for t in group])} for what, group, field in rows]
    out_p99 = summary[0]["p99_ms"]
    failed = [t for t in trials if "error" in t]
    routed_after = sum(t.get("routed_after_out", 0) for t in trials)
    targets.append(("discovery freshness: p99 from critical/deregistered in Consul to out of the gateway's rotation < 100 ms",
                    out_p99, lambda v: v < 100, " ms"))
    part = {
        "settings": settings,
        "trials_run": len(trials),
        "trials_failed": len(failed),
        "requests_routed_to_the_node_after_it_showed_out": routed_after,
        "summary": summary,
        "trials": trials,
    }
    lines = ["", "## Discovery freshness", ""]
    if not trials:
        return part, lines + ["Did not run (no `raw/freshness.jsonl`; see `logs/freshness.log`).", ""]
    lines += [
        f"{len(maintenance)} trials put a push-service node in maintenance mode (`PUT /v1/agent/service/maintenance/<id>`: "
        f"Consul adds a critical check) and out again; {len(deregister)} deregistered it (`PUT /v1/agent/service/deregister/<id>`) "
        "and let the node's registration keeper register it again; the two nodes took turns. Times are ms from right "
        "before the Consul call. `/actuator/mesh` was polled by "
        f"{settings.get('pollers', '?')} threads, each pausing {settings.get('poll_pause_ms', '?')} ms after a poll; requests went through the gateway every {settings.get('traffic_period_ms', '?')} ms "
        f"meanwhile. {len(failed)} trial(s) failed; {routed_after} request(s) sent after the gateway showed a node out were answered by it.",
        "",
        "| measure | trials | p50 ms | p99 ms | max ms |", "|---|---:|---:|---:|---:|",
    ]
    for row in summary:
        lines.append(f"| {row['measure']} | {row['n']} | {fmt(row['p50_ms'], 1)} | {fmt(row['p99_ms'], 1)} | {fmt(row['max_ms'], 1)} |")
    return part, lines


def scale(raw, targets, clk_tck):
    """Scale (bench/scale/): the gateway's CPU per request and memory with 1..16 nodes at one fixed rate.
    Adds its targets; returns the results.json part and its section."""
    settings = dict(line.split(" ", 1) for line in (raw / "scale.settings").read_text().splitlines()) \
        if (raw / "scale.settings").exists() else {}
    sizes = []
    for size in settings.get("sizes", "").split():
        passes = sorted(int(f.name.split(".")[2]) for f in raw.glob(f"scale.{size}.*.cpu-after"))
        if not passes:
            continue
        cpu, per_pass, answered, memory, csvs = {}, [], {}, {}, []
        for p in passes:
            before, after = pairs(raw / f"scale.{size}.{p}.cpu-before"), pairs(raw / f"scale.{size}.{p}.cpu-after")
            seconds = {name: (int(after[name]) - int(before[name])) / clk_tck for name in after}
            for name, value in seconds.items():
                cpu[name] = cpu.get(name, 0) + value
            per_pass.append(per_10k({"g": seconds["main-gateway"]}, parse_vegeta(raw / f"scale.{size}.{p}.vegeta.csv")["requests"]))
            for name, value in pairs(raw / f"scale.{size}.{p}.memory").items():
                rss, hwm = (round(int(kb) / 1024, 1) for kb in value.split("/"))
                memory[name] = {"rss_mb": rss, "peak_rss_mb": max(hwm, memory.get(name, {}).get("peak_rss_mb", 0))}
            counts = {}
            for moment, sign in (("before", -1), ("after", 1)):
                status = json.loads((raw / f"scale.{size}.{p}.mesh-{moment}.json").read_text())["services"].get("push-scale", {})
                for node in status.get("nodes", []):
                    counts[node["instanceId"]] = counts.get(node["instanceId"], 0) + sign * node["successes"]
            for node, count in counts.items():
                answered[node] = answered.get(node, 0) + count
            csvs.append(raw / f"scale.{size}.{p}.vegeta.csv")
        fixed = parse_vegeta_files(csvs)
        measured = [v for v in per_pass if v is not None]
        sizes.append({
            "nodes": int(size),
            "passes": len(passes),
            **fixed,
            "gateway_cpu_seconds": round(cpu["main-gateway"], 2),
            # The median of the passes: one pass disturbed (a GC, a recompilation, the machine) moves it least.
            "gateway_cpu_seconds_per_10k_requests": round(statistics.median(measured), 3) if measured else None,
            "gateway_cpu_seconds_per_10k_requests_all_passes": per_10k({"g": cpu["main-gateway"]}, fixed["requests"]),
            "gateway_cpu_seconds_per_10k_requests_by_pass": per_pass,
            "nodes_jvm_cpu_seconds_per_10k_requests": per_10k({"n": cpu["scale-nodes"]}, fixed["requests"]),
            "memory": memory,
            "answers_per_node": answered,
        })
    base = sizes[0]["gateway_cpu_seconds_per_10k_requests"] if sizes else None
    cheapest = min((e["gateway_cpu_seconds_per_10k_requests"] for e in sizes), default=None)
    for entry in sizes:
        entry["cpu_per_request_vs_first"] = ratio(entry["gateway_cpu_seconds_per_10k_requests"], base)
        entry["cpu_per_request_vs_cheapest"] = ratio(entry["gateway_cpu_seconds_per_10k_requests"], cheapest)
    dearest = max((e["cpu_per_request_vs_cheapest"] for e in sizes), default=None) if len(sizes) > 1 and cheapest else None
    peak = max((e["memory"]["main-gateway"]["peak_rss_mb"] for e in sizes), default=None)
    span = f"{sizes[0]['nodes']} → {sizes[-1]['nodes']} nodes" if sizes else "nodes"
    targets.append((f"scale: gateway CPU per request, {span}: no size above 1.1× the cheapest size's",
                    dearest, lambda v: v <= 1.1, "×"))
    targets.append((f"scale: gateway peak RSS < 300 MB at {settings.get('java_opts', '-Xmx256m')}, {span}", peak, lambda v: v < 300, " MB"))
    steady = [line.split() for line in (raw / "scale.steady").read_text().splitlines()] if (raw / "scale.steady").exists() else []
    # Ticks per 10k requests → CPU seconds per 10k requests.
    steady = [{"chunk": int(c), "requests": int(r), "gateway_cpu_seconds_per_10k_requests": round(float(t) / clk_tck, 2),
               "jit_compilation_seconds": float(j)} for c, r, t, j in steady]
    steady_text = (" → ".join(f"{fmt(c['gateway_cpu_seconds_per_10k_requests'], 2)} ({fmt(c['jit_compilation_seconds'], 2)} s JIT)"
                              for c in steady) + " CPU s / 10k req") if steady else "not recorded"
    part = {"settings": settings, "warm_up_until_steady": steady, "sizes": sizes,
            "dearest_size_cpu_per_request_vs_cheapest": dearest, "gateway_peak_rss_mb": peak}
    lines = ["", "## Scale: 1 to 16 nodes", ""]
    if not sizes:
        return part, lines + ["Did not run (no `raw/scale.*`; see `logs/scale-*.log`).", ""]
    lines += [
        f"A gateway of its own ({settings.get('java_opts')}) calls service push-scale, whose nodes are lightweight servers "
        "of the project's transport (`TcpServer`), all in one JVM (`bench/scale/ScaleNodes.java`), registered in Consul "
        f"with TCP checks. The fresh gateway was first driven at the rate in chunks of {settings.get('steady_chunk')} s until it "
        f"was steady: its JIT compiled for under 2% of a chunk and its CPU per request changed by under 5% from the chunk "
        f"before (at most {settings.get('steady_max')} chunk(s); this run: "
        f"{steady_text}). For each size: exactly that many nodes in the gateway's rotation, a warm-up of "
        f"{settings.get('warmup')} at the rate (discarded), then "
        f"vegeta at {settings.get('rate')} req/s for {settings.get('duration')}"
        + (f"; the sizes went up, then down, and so on ({settings.get('passes')} passes), so that a drift over time (JIT, the "
           "machine's other load) weighs on every size alike; a size's CPU per request is the median of its passes, its "
           "latency and answers cover them all. " if int(settings.get("passes", "1")) >= 2 else
           f" ({settings.get('passes', '1')} pass: sizes going up). ")
        + "CPU is the gateway's `utime+stime` over each vegeta run; memory is read right after each "
        "(RSS of the last, highest peak). Answers per node are the gateway's own counts (`/actuator/mesh` successes).",
        "",
        "| nodes | requests | errors | p50 ms | p99 ms | gateway CPU s / 10k req (median of passes) | by pass | vs first size | vs cheapest size | gateway RSS MB (peak) | answers per node (fewest–most) | nodes JVM CPU s / 10k req |",
        "|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---|---:|",
    ]
    for e in sizes:
        counts = list(e["answers_per_node"].values())
        mem = e["memory"]["main-gateway"]
        lines.append(
            f"| {e['nodes']} | {e['requests']:,} | {e['errors']} | {fmt(e['p50_ms'], 2)} | {fmt(e['p99_ms'], 2)} | "
            f"{fmt(e['gateway_cpu_seconds_per_10k_requests'], 2)} | "
            f"{' / '.join(fmt(v, 2) for v in e['gateway_cpu_seconds_per_10k_requests_by_pass'])} | {fmt(e['cpu_per_request_vs_first'], 2)}× | "
            f"{fmt(e['cpu_per_request_vs_cheapest'], 2)}× | {fmt(mem['rss_mb'], 1)} ({fmt(mem['peak_rss_mb'], 1)}) | "
            f"{fmt(min(counts, default=None))}–{fmt(max(counts, default=None))} over {len(counts)} node(s) | "
            f"{fmt(e['nodes_jvm_cpu_seconds_per_10k_requests'], 2)} |")
    return part, lines


def settings_of(path):
    return dict((line.split(" ", 1) + [""])[:2] for line in path.read_text().splitlines()) if path.exists() else {}


def warm_start(raw, targets):
    """Warm start (bench/warmstart/): per variant (JDK, archive), ms from process start to the first 200, to readiness
    and to the Consul check's first passing, and the req/s by window from that passing on; the early window's rate
    against the last's. Adds its targets; returns the part and section."""
    settings = settings_of(raw / "warmstart.settings")
    ids = (raw / "warmstart.variants").read_text().split() if (raw / "warmstart.variants").exists() else []
    skipped = [line.split(" ", 1) for line in (raw / "warmstart.skipped").read_text().splitlines() if line.strip()] \
        if (raw / "warmstart.skipped").exists() else []
    early_at = float(settings.get("early", 0))
    variants = []
    for vid in ids:
        info = settings_of(raw / f"warmstart.{vid}.info")
        windows = []
        for line in (raw / f"warmstart.{vid}.windows").read_text().splitlines():
            n, offset, _ = line.split()
            w = parse_wrk((raw / f"warmstart.{vid}.wrk.{n}").read_text())
            windows.append({"starts_after_passing_s": round(int(offset) / 1000, 2), **w})
        # The early window: the first that starts no sooner than EARLY s (less half a second) after the check passed.
        early = next((w for w in windows if w["starts_after_passing_s"] >= early_at - 0.5), None)
        late = windows[-1] if windows else None
        rss, hwm = (round(int(kb) / 1024, 1) for kb in info.get("memory", "0/0").split("/"))
        variants.append({
            "variant": vid, "description": info.get("what"), "java": info.get("java"), "jvm_flags": info.get("flags"),
            "first_answer_ms": int(info["first_answer_ms"]),
            "ready_ms": int(info["ready_ms"]) if info.get("ready_ms") else None,
            "passing_ms": int(info["passing_ms"]) if info.get("passing_ms") else None,
            "warm_up_ms": int(info["warm_up_ms"]) if info.get("warm_up_ms") else None,
            "spring_process_running_s": float(info["spring_started_s"]) if info.get("spring_started_s") else None,
            "load_average_at_first_window": info.get("load_average"), "load_average_at_end": info.get("load_average_end"),
            "early_window": early, "late_window": late,
            "early_vs_late": ratio(early["requests_per_second"], late["requests_per_second"]) if early and late else None,
            "errors": sum(w["non_2xx"] + w["socket_errors"] for w in windows),
            "memory": {"rss_mb": rss, "peak_rss_mb": hwm}, "windows": windows,
        })
    window = float(settings.get("window", 5))
    for v in variants:
        targets.append((f"warm start, {v['description']}: req/s {early_at:g}–{early_at + window:g} s after its Consul check "
                        "first passed ≥ 80% of the last window's", v["early_vs_late"], lambda x: x >= 0.8, "×"))
        targets.append((f"warm start, {v['description']}: s from process start to ready (readiness 200) < 20",
                        v["ready_ms"] / 1000 if v["ready_ms"] is not None else None, lambda x: x < 20, " s"))
    part = {"settings": settings, "variants": variants, "skipped": [{"variant": a, "why": b} for a, b in skipped]}
    lines = ["", "## Warm start", ""]
    if not variants:
        return part, lines + ["Did not run (no `raw/warmstart.*`; see `logs/warmstart-*.log`).", ""]
    lines += [
        "A fresh gateway JVM per variant (its own ports, registered as `main-gateway-warmstart`, its shipped settings: "
        "warm-up before readiness on) on the mesh's warm nodes and "
        f"Consul, {settings.get('java_opts')}, no profiler. From just before the process started, polled every 50 ms: its "
        "first 200 answer, its readiness (`/actuator/health/readiness` 200) and its Consul check's first passing (Spring "
        "Boot's own \"process running for\" and the library's \"warm-up done in\" beside them). From the moment the check "
        f"passed, when callers start sending it traffic, wrk {settings.get('wrk')} without pause in {settings.get('windows')} "
        f"windows of {settings.get('window')} s; early is the window starting {early_at:g} s after the check passed, late the "
        "last one (about 90 s after it). The archive (AppCDS, `-XX:ArchiveClassesAtExit`) and "
        "the AOT cache (`-XX:AOTCacheOutput`) come from a training run of their own (start, "
        f"{settings.get('train_requests')} requests, SIGTERM) and run on the extracted jar (`-Djarmode=tools extract`): the "
        "JDK archives classes from jars on the class path only. JDKs on this machine: " + settings.get("default_java", "?")
        + (f" and {settings['new_java']}" if settings.get("new_java") else " (no newer JDK on this machine)") + ".",
        "",
        "| variant | first answer ms | ready ms | check passing ms | warm-up ms | Spring: process running s | early req/s | "
        "late req/s | early / late | errors | load average (first window; end) | RSS MB (peak) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for v in variants:
        e, l = v["early_window"] or {}, v["late_window"] or {}
        lines.append(f"| {v['description']} (`{v['variant']}`, {v['java']}) | {v['first_answer_ms']:,} | {fmt(v['ready_ms'])} | "
                     f"{fmt(v['passing_ms'])} | {fmt(v['warm_up_ms'])} | {fmt(v['spring_process_running_s'], 2)} | "
                     f"{fmt(e.get('requests_per_second'))} (at {fmt(e.get('starts_after_passing_s'), 1)} s) | "
                     f"{fmt(l.get('requests_per_second'))} (at {fmt(l.get('starts_after_passing_s'), 1)} s) | "
                     f"{fmt(v['early_vs_late'], 2)} | {v['errors']} | {v['load_average_at_first_window'] or '–'}; "
                     f"{v['load_average_at_end'] or '–'} | {fmt(v['memory']['rss_mb'], 1)} ({fmt(v['memory']['peak_rss_mb'], 1)}) |")
    lines += ["", "req/s by window from the check's first passing: " + "; ".join(
        f"`{v['variant']}` " + " ".join(fmt(w["requests_per_second"]) for w in v["windows"]) for v in variants)]
    for vid, why in skipped:
        lines += [f"", f"`{vid}`: {why}"]
    return part, lines


def variant_measured(raw, part, label, rounds_run, clk_tck):
    """One variant of a part run by bench/variants/variants.sh: its wrk rounds with the gateway's and its node's CPU in
    each, the medians, and the gateway's memory after the rounds; None when its rounds are missing."""
    files = [raw / f"{part}.{label}.wrk.{r}" for r in range(1, rounds_run + 1)]
    if not files or not all(f.exists() for f in files):
        return None
    rounds = []
    for r, f in enumerate(files, start=1):
        w = parse_wrk(f.read_text())
        before, after = pairs(raw / f"{part}.{label}.cpu-before.{r}"), pairs(raw / f"{part}.{label}.cpu-after.{r}")
        cpu = {name: (int(after[name]) - int(before[name])) / clk_tck for name in ("gateway", "node")}
        rounds.append({**w, **{f"{name}_cpu_seconds": round(v, 2) for name, v in cpu.items()},
                       **{f"{name}_cpu_seconds_per_10k_requests": round(v / w["requests"] * 10_000, 3) if w["requests"] else None
                          for name, v in cpu.items()}})
    requests = sum(r["requests"] for r in rounds)
    rss, hwm = (round(int(kb) / 1024, 1) for kb in (raw / f"{part}.{label}.memory").read_text().split("/"))

    def median_of(key):
        values = [r[key] for r in rounds if r[key] is not None]
        return round(statistics.median(values), 3) if values else None

    return {
        "rounds": rounds,
        "requests_per_second_median": statistics.median(r["requests_per_second"] for r in rounds),
        "errors": sum(r["non_2xx"] + r["socket_errors"] for r in rounds),
        "gateway_cpu_seconds_per_10k_requests_median": median_of("gateway_cpu_seconds_per_10k_requests"),
        "node_cpu_seconds_per_10k_requests_median": median_of("node_cpu_seconds_per_10k_requests"),
        "gateway_and_node_cpu_seconds_per_10k_requests":
            round(sum(r["gateway_cpu_seconds"] + r["node_cpu_seconds"] for r in rounds) / requests * 10_000, 2) if requests else None,
        "gateway_memory": {"rss_mb": rss, "peak_rss_mb": hwm},
    }


def tracing(raw, targets, clk_tck):
    """Tracing cost (bench/tracing/): the gateway's req/s with tracing off, sampled at 10 % and 100 %, rounds taking
    turns. Adds its target; returns the part and section."""
    settings = settings_of(raw / "tracing.settings")
    rounds_run = int(settings.get("rounds", 0))
    before = json.loads((raw / "tracing.sink-before.json").read_text()) if (raw / "tracing.sink-before.json").exists() else {}
    after = json.loads((raw / "tracing.sink-after.json").read_text()) if (raw / "tracing.sink-after.json").exists() else {}
    results = {}
    for setting in ("off", "10", "100"):
        measured = variant_measured(raw, "tracing", setting, rounds_run, clk_tck)
        if measured is None:
            continue
        spans = after.get(setting, {}).get("spans", 0) - before.get(setting, {}).get("spans", 0)
        results[setting] = {"sampling": None if setting == "off" else int(setting) / 100, **measured,
                            "spans_received_during_rounds": None if setting == "off" else spans}
    off = results.get("off", {}).get("requests_per_second_median")
    for r in results.values():
        r["vs_off"] = ratio(r["requests_per_second_median"], off)
    targets.append(("tracing: gateway req/s sampled at 10% ≥ 90% of tracing off", results.get("10", {}).get("vs_off"),
                    lambda v: v >= 0.9, "×"))
    part = {"settings": settings, "settings_measured": results}
    lines = ["", "## Tracing cost", ""]
    if len(results) < 3:
        return part, lines + ["Did not run (no `raw/tracing.*`; see `logs/tracing-*.log`).", ""]
    lines += [
        "Each setting has a gateway and a push-service node of its own (fresh JVMs, "
        f"{settings.get('java_opts')}, no profiler), both with that setting: off is the shipped default "
        "(`management.tracing.export.enabled=false`); 10 % and 100 % set it true with "
        "`management.tracing.sampling.probability` 0.1 and 1.0 and export to `bench/tracing/span_sink.py`, a local stand-in "
        "for Zipkin's collector that accepts and counts the spans. Each gateway was warmed up with wrk for "
        f"{variants_warm_up_text(raw, 'tracing', settings)} (discarded), then {settings.get('rounds')} rounds of wrk {settings.get('wrk')} "
        f"-d{settings.get('duration')} took turns between the settings (the order rotating each round); median reported. "
        "CPU is the gateway's and its node's `utime+stime` over the rounds; memory is the gateway's after them.",
        "",
        "| tracing | req/s (median) | rounds | vs off | errors | gateway + node CPU s / 10k req | spans received | gateway RSS MB (peak) |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for setting, r in results.items():
        lines.append(f"| {'off' if setting == 'off' else f'sampled at {setting}%'} | {fmt(r['requests_per_second_median'])} | "
                     f"{' / '.join(fmt(x['requests_per_second']) for x in r['rounds'])} | {fmt(r['vs_off'], 2)}× | {r['errors']} | "
                     f"{fmt(r['gateway_and_node_cpu_seconds_per_10k_requests'], 2)} | {fmt(r['spans_received_during_rounds'])} | "
                     f"{fmt(r['gateway_memory']['rss_mb'], 1)} ({fmt(r['gateway_memory']['peak_rss_mb'], 1)}) |")
    return part, lines


def variants_warm_up_text(raw, part, settings):
    """How a part's variants were warmed up (bench/lib/warm-up.sh): the first stretch, then steps until the rate settled."""
    steps = (raw / f"{part}.warm-up").read_text().splitlines() if (raw / f"{part}.warm-up").exists() else []
    if not steps:
        return f"{settings.get('warmup')}"
    last = {}
    for line in steps:
        label, rest = line.split(" warm-up step ", 1)
        last[label] = rest
    return (f"{settings.get('warmup')}, then 10 s steps until a step served less than 5 % more than the one before (at most "
            f"{settings.get('warmup_max')}; last steps: " + ", ".join(f"{label} {rest}" for label, rest in last.items()) + ")")


def selection_before_and_now(raw, gateway_cpu_per_10k):
    """JMH's NodeSelectionBenchmark.selectForCall built before traffic control and now, in turns (traffic.sh):
    ns per call for each parameter set, and what now adds to before's as a share of the gateway's CPU per request."""
    scores = {}
    for side in ("before", "now"):
        for path in sorted(raw.glob(f"traffic.selection.{side}.*.json")):
            for entry in json.loads(path.read_text()):
                key = ", ".join(f"{k}={v}" for k, v in sorted(entry.get("params", {}).items()))
                scores.setdefault(key, {}).setdefault(side, []).append(entry["primaryMetric"]["score"])
    rows = []
    for key, sides in scores.items():
        if "before" in sides and "now" in sides:
            before, now = statistics.mean(sides["before"]), statistics.mean(sides["now"])
            rows.append({"parameters": key, "before_ns": round(before, 1), "now_ns": round(now, 1),
                         "before_by_round": [round(x, 1) for x in sides["before"]], "now_by_round": [round(x, 1) for x in sides["now"]],
                         "added_ns": round(now - before, 1)})
    added = max((r["added_ns"] for r in rows), default=None)
    share = round(max(added, 0) / (gateway_cpu_per_10k / 10_000 * 1e9) * 100, 4) if added is not None and gateway_cpu_per_10k else None
    return {"rows": rows, "largest_added_ns": added, "largest_added_share_of_gateway_cpu_per_request_percent": share}


def client_cpu_per_request(side):
    """A transport client's CPU seconds per 10k requests; None when it did not finish."""
    if side.get("did_not_finish") or not side.get("requests") or side.get("client_cpu_seconds") is None:
        return None
    return round(side["client_cpu_seconds"] / side["requests"] * 10_000, 3)


TRAFFIC_VARIANTS = {
    "before": "the gateway from before traffic control: main-gateway built from `TRAFFIC_BEFORE_REF` (named above), its own defaults",
    "rules-off": "the current gateway with every traffic rule off: `mesh.client.consul-weights=false` (on by default), "
                 "slow start and hedging off (their defaults, set anyway), no zone, canary or failover datacenter (unset by default)",
    "rules-on": "the current gateway with slow start on (30 s window), a zone preference (`mesh.client.zone=zone-a`, its node "
                "registered with meta zone=zone-a) and a canary rule (5 % of calls to instances tagged `canary`; there are none, "
                "so the rest take them), Consul's weights as shipped (on): for information",
}


def traffic(raw, targets, clk_tck):
    """Traffic control's cost with every rule off (bench/traffic/): the gateway's CPU per request, the gateway from
    before traffic control against the current one with all rules off (and, for information, some on), rounds taking
    turns. Adds its target; returns the part and section."""
    settings = settings_of(raw / "traffic.settings")
    rounds_run = int(settings.get("rounds", 0))
    labels = (raw / "traffic.variants").read_text().split() if (raw / "traffic.variants").exists() else []
    before_build = settings_of(raw / "traffic.before")
    results = {}
    for label in labels:
        measured = variant_measured(raw, "traffic", label, rounds_run, clk_tck)
        if measured is not None:
            info = settings_of(raw / f"traffic.{label}.info")
            results[label] = {"description": TRAFFIC_VARIANTS.get(label, label), "gateway_jar": info.get("gateway_jar"),
                              "gateway_args": info.get("gateway_args"), "node_args": info.get("node_args"), **measured}
    cpu_before = results.get("before", {}).get("gateway_cpu_seconds_per_10k_requests_median")
    for r in results.values():
        r["gateway_cpu_per_request_vs_before"] = ratio(r["gateway_cpu_seconds_per_10k_requests_median"], cpu_before)
    off_vs_before = results.get("rules-off", {}).get("gateway_cpu_per_request_vs_before")
    targets.append(("traffic: gateway CPU/request with all rules off ≤ 1.05× before (same run)", off_vs_before,
                    lambda v: v <= 1.05, "×"))
    selection = selection_before_and_now(raw, results.get("rules-off", {}).get("gateway_cpu_seconds_per_10k_requests_median"))
    targets.append(("traffic: what the rules, all off, add to a call's node selection (JMH, before and now in turns), "
                    "as a share of the gateway's CPU per request ≤ 1 %", selection["largest_added_share_of_gateway_cpu_per_request_percent"],
                    lambda v: v <= 1, " %"))
    part = {"settings": settings, "before": before_build, "variants": results, "selection": selection,
            "rules_off_vs_before_gateway_cpu_per_request": off_vs_before}
    lines = ["", "## Traffic control with every rule off", ""]
    if "rules-off" not in results:
        return part, lines + ["Did not run (no `raw/traffic.*`; see `logs/traffic-*.log`).", ""]
    if "skipped" in before_build:
        built = f"`before` did not run: {before_build['skipped']}."
    else:
        built = (f"`before` is main-gateway built from `{before_build.get('ref')}` ({before_build.get('commit', '')[:12]}, "
                 f"\"{before_build.get('subject')}\") in a temporary git worktree ({before_build.get('build_seconds')} s).")
    lines += [
        "Does traffic control (Consul weights, slow start, canary, zone preference, datacenter failover, hedging) cost the "
        "gateway CPU when no rule is on? Each variant has a gateway and a push-service node of its own (fresh JVMs, "
        f"{settings.get('java_opts')}, no profiler; the current push-service.jar for all). Each gateway was warmed up with "
        f"wrk for {variants_warm_up_text(raw, 'traffic', settings)} (discarded), then {settings.get('rounds')} rounds of wrk {settings.get('wrk')} "
        f"-d{settings.get('duration')} took turns between the variants (the order rotating each round). CPU is the gateway's "
        "`utime+stime` per round over that round's requests, median of the rounds; vs before is that median against "
        "`before`'s. " + built,
        "",
        *[f"- `{label}`: {r['description']}" + (f"; arguments `{r['gateway_args']}`" if r['gateway_args'] else "")
          + (f", node `{r['node_args']}`" if r['node_args'] else "") for label, r in results.items()],
        "",
        "| variant | req/s (median) | rounds | errors | gateway CPU s / 10k req (median) | by round | vs before | node CPU s / 10k req (median) | gateway RSS MB (peak) |",
        "|---|---:|---|---:|---:|---|---:|---:|---:|",
    ]
    for label, r in results.items():
        lines.append(f"| `{label}` | {fmt(r['requests_per_second_median'])} | "
                     f"{' / '.join(fmt(x['requests_per_second']) for x in r['rounds'])} | {r['errors']} | "
                     f"{fmt(r['gateway_cpu_seconds_per_10k_requests_median'], 3)} | "
                     f"{' / '.join(fmt(x['gateway_cpu_seconds_per_10k_requests'], 3) for x in r['rounds'])} | "
                     f"{fmt(r['gateway_cpu_per_request_vs_before'], 3)}{'×' if r['gateway_cpu_per_request_vs_before'] else ''} | "
                     f"{fmt(r['node_cpu_seconds_per_10k_requests_median'], 3)} | "
                     f"{fmt(r['gateway_memory']['rss_mb'], 1)} ({fmt(r['gateway_memory']['peak_rss_mb'], 1)}) |")
    lines += ["", "The gateway from before also lacks every other change made since its ref (the gateway's own speed-ups "
              "among them), so the table above says whether the current gateway with every rule off costs more than that "
              "one, not what the rules alone cost. That is the node selection of a call, measured with JMH in both trees "
              "in turns (before, now, now, before; `NodeSelectionBenchmark.selectForCall`, the same source in both: the "
              "pool's candidates, the balancer's choice, the node's bookkeeping), with every rule off as shipped:", ""]
    if not selection["rows"]:
        lines += ["Not measured (no `raw/traffic.selection.*`: before was not built, or JMH failed; see `logs/traffic-selection-*.log`)."]
    else:
        lines += ["| parameters | before ns / call | now ns / call | by round (before; now) | added ns |", "|---|---:|---:|---|---:|"]
        for r in selection["rows"]:
            lines.append(f"| {r['parameters']} | {fmt(r['before_ns'], 1)} | {fmt(r['now_ns'], 1)} | "
                         f"{' / '.join(fmt(x, 1) for x in r['before_by_round'])}; {' / '.join(fmt(x, 1) for x in r['now_by_round'])} | "
                         f"{fmt(r['added_ns'], 1)} |")
        lines += ["", f"The most it adds, {fmt(selection['largest_added_ns'], 1)} ns per call, is "
                  f"{fmt(selection['largest_added_share_of_gateway_cpu_per_request_percent'], 4)} % of the `rules-off` gateway's CPU per request."]
    return part, lines


def node_cpu_during_transport(raw, side, clk_tck):
    """CPU seconds the push-service node spent while one transport client ran (warm-up included)."""
    before, after = raw / f"transport.node-cpu.before-{side}", raw / f"transport.node-cpu.after-{side}"
    if not (before.exists() and after.exists()):
        return None
    return round((int(pairs(after)["push-service-1"]) - int(pairs(before)["push-service-1"])) / clk_tck, 2)


def profiles_section(out):
    """The committed profiles, each with its breakdown by layer."""
    lines = ["", "## Profiles of this run", "",
             "CPU samples recorded with JFR during this run and summarised by `bench/profile.py` "
             "(the recordings themselves stay in `bench/target/run/raw/`):", ""]
    for summary in sorted((out / "profiles").glob("*.txt")):
        text = summary.read_text().splitlines()
        title = text[0].lstrip("# ") if text else summary.name
        layers = []
        if "## By layer" in "\n".join(text):
            start = next(i for i, line in enumerate(text) if line.startswith("## By layer")) + 1
            layers = [line.strip() for line in text[start:start + 5] if line.strip()]
        lines.append(f"- [`profiles/{summary.name}`](profiles/{summary.name}) — {title}: " + "; ".join(layers))
    return lines


def warm_up_section(run):
    steps = run / "warm-up"
    if not steps.exists():
        return []
    return ["", "Warm-up steps (discarded; each 10 s, until one served less than 5 % more than the one before):", "",
            "```", *steps.read_text().splitlines(), "```"]


def microbenchmarks(jmh_json):
    """JMH's results (bench/jmh/run-jmh.sh) → the results.json section and the RESULTS.md lines; none when JMH did not run."""
    if not jmh_json.exists():
        return None, []

    def number(value):
        value = float(value)
        return None if math.isnan(value) else value

    entries = json.loads(jmh_json.read_text())
    benchmarks = []
    for e in entries:
        primary, alloc = e["primaryMetric"], e.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
        benchmarks.append({
            "benchmark": e["benchmark"],
            "params": e.get("params", {}),
            "score": number(primary["score"]),
            "unit": primary["scoreUnit"],
            "error": number(primary["scoreError"]),
            "alloc_bytes_per_op": number(alloc["score"]) if alloc else None,
        })
    first = entries[0] if entries else {}
    iterations = {}  # each benchmark class declares its own
    for e in entries:
        warmup = f"{e['warmupIterations']} × {e['warmupTime']}" if e["warmupIterations"] else "none"
        iterations[e["benchmark"].split(".")[-2]] = f"warm-up {warmup}, measured {e['measurementIterations']} × {e['measurementTime']}"
    settings = {
        "jmh": first.get("jmhVersion"), "jdk": first.get("jdkVersion"), "forks": first.get("forks"),
        "iterations": iterations, "jvm_args": " ".join(first.get("jvmArgs", [])),
    }
    section = {"settings": settings, "benchmarks": benchmarks}

    def fmt(v, digits):
        return "–" if v is None else f"{v:,.{digits}f}"

    per_second = {"ns/op": 1e9, "us/op": 1e6, "ms/op": 1e3, "s/op": 1}
    forks = "in-process (no fork)" if settings["forks"] == 0 else f"{settings['forks']} fork(s)"
    iteration_text = (next(iter(iterations.values())) if len(set(iterations.values())) == 1
                      else "; ".join(f"{name}: {text}" for name, text in iterations.items()))
    lines = ["", "## Microbenchmarks (JMH)", "",
             f"`bench/jmh/run-jmh.sh`: JMH {settings['jmh']} on JDK {settings['jdk']}, {forks}, "
             f"{settings['jvm_args'] or 'default JVM options'}, with the GC profiler; {iteration_text}. "
             "± is JMH's 99.9% confidence interval; – where one iteration gives none. "
             "The codec benchmarks run the real PacketCodec, FrameEncoder and FrameDecoder; node selection runs the real "
             "balancers and ServicePool (bench/README.md says what each covers).", "",
             "| benchmark | parameters | time per op | ± | ops/s | allocated B/op |", "|---|---|---:|---:|---:|---:|"]
    for b in benchmarks:
        unit = b["unit"].replace("us/", "µs/")
        ops = per_second[b["unit"]] / b["score"] if b["unit"] in per_second and b["score"] else None
        lines.append(f"| {'.'.join(b['benchmark'].split('.')[-2:])} | "
                     f"{', '.join(f'{k}={v}' for k, v in b['params'].items()) or '–'} | {fmt(b['score'], 1)} {unit} | "
                     f"{fmt(b['error'], 1)} | {fmt(ops, 0)} | {fmt(b['alloc_bytes_per_op'], 0)} |")
    return section, lines


def main():
    ap = argparse.ArgumentParser()
    for name in ("transport-requests", "transport-concurrency", "run", "out", "java-opts", "connections", "threads", "warmup", "duration", "rounds", "rate-duration", "request"):
        ap.add_argument("--" + name, required=True)
    ap.add_argument("--smoke", action="store_true")
    args = ap.parse_args()
    run, raw = Path(args.run), Path(args.run) / "raw"
    machine = dict(line.split(" ", 1) for line in (run / "machine").read_text().splitlines())
    clk_tck = int(machine["clk_tck"])
    rate = int((run / "rate").read_text())

    systems = {}
    for system in SYSTEMS:
        rounds = [parse_wrk((raw / f"{system}.wrk.{i}").read_text()) for i in range(1, int(args.rounds) + 1)]
        sat_cpu = cpu_seconds(raw, system, "saturation", clk_tck)
        sat_requests = sum(r["requests"] for r in rounds)
        fixed = parse_vegeta(raw / f"{system}.vegeta.csv")
        rate_cpu = cpu_seconds(raw, system, "rate", clk_tck)
        memory = {}
        for name, value in pairs(raw / f"{system}.memory").items():
            rss, hwm = value.split("/")
            memory[name] = {"rss_mb": round(int(rss) / 1024, 1), "peak_rss_mb": round(int(hwm) / 1024, 1)}
        systems[system] = {
            "description": LABELS[system],
            "saturation": {
                "rounds": rounds,
                "requests_per_second_median": statistics.median(r["requests_per_second"] for r in rounds),
                "errors": sum(r["non_2xx"] + r["socket_errors"] for r in rounds),
                "cpu_seconds": {k: round(v, 2) for k, v in sat_cpu.items()},
                "cpu_seconds_per_10k_requests": per_10k(sat_cpu, sat_requests),
            },
            "fixed_rate": {
                **fixed,
                "rate_per_second": rate,
                "cpu_seconds": {k: round(v, 2) for k, v in rate_cpu.items()},
                "cpu_seconds_per_10k_requests": per_10k(rate_cpu, fixed["requests"]),
            },
            "memory": memory,
        }

    transport = {}
    # TransportBench prints a line per mode: answers read into trees (like Nest's client), then kept as bytes.
    for side, client, line in (("mesh", "mesh TcpClient", 0), ("mesh-bytes", "mesh TcpClient, answers kept as bytes", 1),
                               ("nest", "Nest ClientProxy", 0)):
        path = raw / f"transport.{side.split('-')[0]}.json"
        found = path.read_text().strip().splitlines() if path.exists() else []
        transport[side] = json.loads(found[line]) if len(found) > line else \
            {"client": client, "requests_per_second": None, "did_not_finish": True}
        # The node's CPU covers the whole JVM's run (both modes of our client).
        transport[side]["node_cpu_seconds"] = node_cpu_during_transport(raw, side.split('-')[0], clk_tck)

    m, n, b = (systems[s] for s in SYSTEMS)
    ratios = {
        "mesh_vs_nest_requests_per_second": ratio(m["saturation"]["requests_per_second_median"], n["saturation"]["requests_per_second_median"]),
        "mesh_vs_nest_p99": ratio(m["fixed_rate"]["p99_ms"], n["fixed_rate"]["p99_ms"]),
        "mesh_vs_baseline_requests_per_second": ratio(m["saturation"]["requests_per_second_median"], b["saturation"]["requests_per_second_median"]),
        "transport_mesh_vs_nest_requests_per_second": ratio(transport["mesh"]["requests_per_second"], transport["nest"]["requests_per_second"]),
        "transport_mesh_vs_nest_client_cpu_per_request": ratio(client_cpu_per_request(transport["mesh"]), client_cpu_per_request(transport["nest"])),
        "transport_mesh_bytes_vs_nest_client_cpu_per_request": ratio(client_cpu_per_request(transport["mesh-bytes"]),
                                                                     client_cpu_per_request(transport["nest"])),
    }
    # Issue 13's targets. The main gateway's own peak RSS includes its JFR recording: the target is measured without it (below).
    targets = [
        ("gateway req/s ≥ 4× NestJS", ratios["mesh_vs_nest_requests_per_second"], lambda v: v >= 4, "×"),
        ("gateway req/s ≥ 30% of the bare baseline", ratios["mesh_vs_baseline_requests_per_second"], lambda v: v >= 0.3, "×"),
        ("gateway p99 ≤ 0.2× NestJS at the same fixed rate", ratios["mesh_vs_nest_p99"], lambda v: v <= 0.2, "×"),
        ("transport: our TcpClient's CPU per request ≤ 0.5× Nest ClientProxy's (same node, one connection; answers read into trees, as Nest's)",
         ratios["transport_mesh_vs_nest_client_cpu_per_request"], lambda v: v <= 0.5, "×"),
        ("transport: the same, our client keeping answers as bytes (as the gateway does)",
         ratios["transport_mesh_bytes_vs_nest_client_cpu_per_request"], lambda v: v <= 0.5, "×"),
    ]
    jmh, jmh_lines = microbenchmarks(raw / "jmh.json")
    freshness_part, freshness_lines = freshness(raw, targets)
    scale_part, scale_lines = scale(raw, targets, clk_tck)
    warm_part, warm_lines = warm_start(raw, targets)
    tracing_part, tracing_lines = tracing(raw, targets, clk_tck)
    traffic_part, traffic_lines = traffic(raw, targets, clk_tck)
    # The gateway's peak RSS without a profiler: the warm-start gateway of the default JDK, plain (the jar as deployed),
    # after its windows at saturation; the main gateway's figure above includes its JFR recording.
    plain = next((v for v in warm_part["variants"] if v["jvm_flags"] == "none" and v["variant"] == warm_part["variants"][0]["variant"]), None) \
        if warm_part["variants"] else None
    no_profiler_peak = plain["memory"]["peak_rss_mb"] if plain else None
    targets.append(("gateway peak RSS < 300 MB at -Xmx256m, at saturation without a profiler (warm-start gateway, "
                    + (plain["description"] if plain else "not measured") + ")", no_profiler_peak, lambda v: v < 300, " MB"))
    result = {
        "smoke": args.smoke,
        "machine": {"cpus": int(machine["nproc"]), "load_average_start": machine["load_start"], "load_average_end": machine.get("load_end", "not recorded")},
        "settings": {
            "request": "GET " + args.request,
            "wrk": f"-t{args.threads} -c{args.connections} -d{args.duration}, warm-up {args.warmup} discarded, {args.rounds} rounds",
            "fixed_rate": f"vegeta, {rate} req/s for {args.rate_duration}",
            "jvm": args.java_opts + " for every JVM (main-gateway, both push-service nodes, the baseline)",
        },
        "systems": systems,
        "transport": transport,
        "ratios": ratios,
        "freshness": freshness_part,
        "scale": scale_part,
        "warm_start": warm_part,
        "tracing": tracing_part,
        "traffic": traffic_part,
        "gateway_peak_rss_mb_without_profiler": no_profiler_peak,
        "targets": [{"target": t, "value": v, "met": (ok(v) if v is not None else None)} for t, v, ok, _ in targets],
        "jmh": jmh,
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(result, indent=2) + "\n")

    lines = [
        "# Benchmark results" + (" (smoke run: seconds-long, says nothing about speed)" if args.smoke else ""),
        "",
        "Produced by `bench/run.sh` in one run; raw data in `results.json`. All three systems ran on the same "
        f"machine at the same time as the load generator ({machine['nproc']} CPUs, shared: load average "
        f"{machine['load_start']} at the start, {machine.get('load_end', 'not recorded')} at the end). Figures are noisy; the ratios "
        "between systems measured in this one run are what to read.",
        "",
        f"- Request: `GET {args.request}` (the same 20 items from each system)",
        f"- Saturation: wrk -t{args.threads} -c{args.connections} -d{args.duration}, warm-up {args.warmup} discarded, "
        f"{args.rounds} rounds taking turns between the systems, median reported",
        f"- Fixed rate: vegeta at {rate} req/s for {args.rate_duration} (a quarter of the slowest system's saturation unless RATE is set: at half, the NestJS stack timed out requests)",
        f"- JVMs: {args.java_opts} each (main-gateway, both push-service nodes, the baseline; the mesh's JVMs also record JFR from their start, for the profiles); Node.js defaults for Nest",
        "",
        "![Requests per second at saturation and p99 latency at the fixed rate, per system](chart.png)",
        "",
        "| system | req/s (median) | rounds | errors | CPU s / 10k req (sat.) | p50 ms | p99 ms | p99.9 ms | errors (fixed rate) | CPU s / 10k req (fixed rate) |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in SYSTEMS:
        sat, fr = systems[s]["saturation"], systems[s]["fixed_rate"]
        lines.append(
            f"| {systems[s]['description']} | {fmt(sat['requests_per_second_median'])} | "
            f"{' / '.join(fmt(r['requests_per_second']) for r in sat['rounds'])} | {sat['errors']} | "
            f"{fmt(sat['cpu_seconds_per_10k_requests'], 2)} | {fmt(fr['p50_ms'], 2)} | {fmt(fr['p99_ms'], 2)} | "
            f"{fmt(fr['p999_ms'], 2)} | {fr['errors']} | {fmt(fr['cpu_seconds_per_10k_requests'], 2)} |"
        )
    lines += ["", "Resident memory after the saturation rounds (peak in brackets; the mesh's JVMs were recording JFR, which holds memory of its own: the scale section's gateway runs without it):", "",
              "| system | process | RSS MB (peak) | CPU s during saturation |", "|---|---|---:|---:|"]
    for s in SYSTEMS:
        for proc, mem in systems[s]["memory"].items():
            cpu = systems[s]["saturation"]["cpu_seconds"].get(proc)
            lines.append(f"| {s} | {proc} | {fmt(mem['rss_mb'], 1)} ({fmt(mem['peak_rss_mb'], 1)}) | {fmt(cpu, 2)} |")
    lines += ["", f"The gateway without a profiler at saturation: peak RSS {fmt(no_profiler_peak, 1)} MB "
              f"(the warm-start section's {plain['description'] + ' gateway' if plain else 'gateway: not measured'}, "
              "a fresh JVM at the same settings with no JFR, after its windows of wrk)."]
    lines += ["", "## The TCP transport alone", "",
              f"One connection to push-service node 1, {args.transport_concurrency} requests in flight, "
              f"{int(args.transport_requests):,} requests after a discarded warm-up (`fetchLatestNews`, 21 items per answer).", "",
              "| client | req/s | client CPU s / 10k req | node CPU s while it ran (warm-up included; our client's two modes ran in one JVM, so both show its run) |", "|---|---:|---:|---:|"]
    for side in ("mesh", "mesh-bytes", "nest"):
        t = transport[side]
        if t.get("did_not_finish"):
            lines.append(f"| {t['client']} | did not finish (no result) | – | {fmt(t.get('node_cpu_seconds'), 2)} |")
        else:
            lines.append(f"| {t['client']} | {fmt(t['requests_per_second'])} | {fmt(client_cpu_per_request(t), 2)} "
                         f"| {fmt(t.get('node_cpu_seconds'), 2)} |")
    lines += freshness_lines + scale_lines + warm_lines + tracing_lines + traffic_lines
    lines += jmh_lines
    lines += ["", "## Targets", ""] + targets_table(targets)
    lines += warm_up_section(run)
    if (out / "profiles").is_dir():
        lines += profiles_section(out)
    changes = Path(__file__).parent / "CHANGES.md"
    if changes.exists() and not args.smoke:
        lines += ["", changes.read_text().strip()]
    lines.append("")
    (out / "RESULTS.md").write_text("\n".join(lines))


def targets_table(targets):
    """The targets as a table: each one's figure and whether it is met (– when not measured)."""
    lines = ["| target | measured | met |", "|---|---:|---|"]
    for t, v, ok, unit in targets:
        lines.append(f"| {t} | {fmt(v, 2)}{unit if v is not None else ''} | {'–' if v is None else ('yes' if ok(v) else '**no**')} |")
    return lines


def traffic_part_alone():
    """`report.py traffic RUN OUT`: the traffic part's section from a run of bench/traffic/traffic.sh on its own
    (its raw files in RUN/raw), into OUT (markdown) and OUT with .json for its results."""
    run, out = Path(sys.argv[2]), Path(sys.argv[3])
    targets = []
    part, lines = traffic(run / "raw", targets, os.sysconf("SC_CLK_TCK"))
    lines += [""] + targets_table(targets)
    out.write_text("\n".join(lines) + "\n")
    out.with_suffix(".json").write_text(json.dumps(part, indent=2) + "\n")


def warm_start_part_alone():
    """`report.py warmstart RUN OUT`: the warm-start section from a run of bench/warmstart/run-alone.sh (its raw files
    in RUN/raw), into OUT (markdown) and OUT with .json for its results."""
    run, out = Path(sys.argv[2]), Path(sys.argv[3])
    targets = []
    part, lines = warm_start(run / "raw", targets)
    lines += [""] + targets_table(targets)
    out.write_text("\n".join(lines) + "\n")
    out.with_suffix(".json").write_text(json.dumps(part, indent=2) + "\n")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "traffic":
        traffic_part_alone()
    elif len(sys.argv) == 4 and sys.argv[1] == "warmstart":
        warm_start_part_alone()
    else:
        main()
