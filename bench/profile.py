#!/usr/bin/env python3
"""Summarises a JFR recording's CPU samples (jdk.ExecutionSample) as text: where the sampled threads
spent their time, by layer and by method. Each sample is charged to the first layer met walking its
stack from the running method outward, so a HashMap.put inside Jackson's tree building counts as
"JSON parse"; the transport's own work (frame decoding, answer parsing, request writing) is charged
to it wherever it sits in the stack. Used by bench/run.sh for the profiles it commits next to RESULTS.md.

    bench/profile.py RECORDING.jfr TITLE > summary.txt
"""
import collections
import re
import subprocess
import sys

LAYERS = [
    ("frame decoding (FrameDecoder)", ("dev.consulmesh.transport.wire.FrameDecoder",)),
    ("packet writing (PacketCodec.write, FrameEncoder: a request, or a node's answer)", ("dev.consulmesh.transport.wire.PacketCodec.write",
                                                           "dev.consulmesh.transport.wire.FrameEncoder")),
    ("packet parsing (PacketCodec.read*: frame JSON -> JsonNode tree)", ("com.fasterxml.jackson.databind.ObjectReader",
                                                   "com.fasterxml.jackson.databind.deser",
                                                   "com.fasterxml.jackson.core.json.UTF8StreamJsonParser",
                                                   "com.fasterxml.jackson.core.json.ReaderBasedJsonParser")),
    ("JSON writing outside the transport (the gateway's HTTP body)", ("com.fasterxml.jackson.databind.ObjectWriter",
                                       "com.fasterxml.jackson.databind.ser", "com.fasterxml.jackson.core.json.UTF8JsonGenerator",
                                       "com.fasterxml.jackson.databind.node.ObjectNode.serialize",
                                       "com.fasterxml.jackson.databind.node.ArrayNode.serialize")),
    ("metrics (Micrometer observations)", ("io.micrometer.",)),
    ("gateway controller (NewsController, NewsPageRequest), push-service news", ("dev.consulmesh.gateway.", "dev.consulmesh.push.")),
    ("mesh library (MeshClient, pool, TcpClient, request dispatch)", ("dev.consulmesh.",)),
    ("Spring WebFlux dispatch", ("org.springframework.",)),
    ("HTTP server (Reactor Netty, Netty HTTP codec)", ("reactor.netty.http", "io.netty.handler.codec.http")),
    ("Reactor operators", ("reactor.core.",)),
    ("Netty channel I/O and buffers", ("io.netty.", "reactor.netty.")),
    ("JDK, other", ("",)),
]
# Work done for the transport, wherever in the stack it sits (its JSON included).
ANYWHERE = [
    ("packet writing (PacketCodec.write, FrameEncoder: a request, or a node's answer)", "dev.consulmesh.transport.wire.PacketCodec.write"),
    ("packet writing (PacketCodec.write, FrameEncoder: a request, or a node's answer)", "dev.consulmesh.transport.wire.FrameEncoder"),
    ("frame decoding (FrameDecoder)", "dev.consulmesh.transport.wire.FrameDecoder"),
    ("packet parsing (PacketCodec.read*: frame JSON -> JsonNode tree)", "dev.consulmesh.transport.wire.PacketCodec.read"),
]
FRAME = re.compile(r"^\s+([\w.$<>/]+)\.([\w$<>]+)\(", re.M)


def samples(recording):
    text = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "128", recording],
                          check=True, capture_output=True, text=True).stdout
    for event in text.split("jdk.ExecutionSample")[1:]:
        frames = [f"{cls}.{method}" for cls, method in FRAME.findall(event)]
        if frames:
            yield frames


def main():
    recording, title = sys.argv[1], sys.argv[2]
    layers, leaf, inclusive, count = collections.Counter(), collections.Counter(), collections.Counter(), 0
    for frames in samples(recording):
        count += 1
        leaf[frames[0]] += 1
        for frame in set(frames):
            inclusive[frame] += 1
        anywhere = next((name for name, marker in ANYWHERE if any(f.startswith(marker) for f in frames)), None)
        if anywhere:
            layers[anywhere] += 1
            continue
        for frame in frames:
            hit = next((n for n, prefixes in LAYERS if any(frame.startswith(p) for p in prefixes if p)), None)
            if hit:
                layers[hit] += 1
                break
        else:
            layers["JDK, other"] += 1
    print(f"# {title}")
    print(f"# {recording.split('/')[-1]}: {count} CPU samples (JFR jdk.ExecutionSample, 'profile' settings)")
    print()
    print("## By layer (transport work wherever it sits; else the first layer met from the running method outward)")
    for name, n in layers.most_common():
        print(f"{100 * n / count:6.1f}%  {name}")
    print()
    print("## Hottest methods (self)")
    for frame, n in leaf.most_common(25):
        print(f"{100 * n / count:6.1f}%  {frame}")
    print()
    print("## Project and library entry points (inclusive)")
    shown = 0
    for frame, n in inclusive.most_common():
        if frame.startswith(("dev.consulmesh.", "com.fasterxml.jackson.databind.ObjectReader.readTree",
                             "com.fasterxml.jackson.databind.ObjectWriter.writeValue",
                             "reactor.netty.http.server.HttpServerOperations.onInboundNext",
                             "org.springframework.web.reactive.DispatcherHandler.handle",
                             "io.micrometer.observation.SimpleObservation")) and shown < 30:
            print(f"{100 * n / count:6.1f}%  {frame}")
            shown += 1


if __name__ == "__main__":
    main()
