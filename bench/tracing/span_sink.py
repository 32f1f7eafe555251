#!/usr/bin/env python3
"""A stand-in for Zipkin's collector: accepts the spans the services POST (any path, answers 202) and
counts, per first path segment (bench/tracing/tracing.sh gives each tracing setting its own), the POSTs,
their bytes and the spans in them (occurrences of "traceId", without parsing: the sink shares the
machine's two cores with the JVMs measured). Prints the counts as JSON on GET /counts.

    span_sink.py HOST PORT
"""
import gzip
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

counts, lock = {}, threading.Lock()


class Sink(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        key = self.path.strip("/").split("/")[0]
        with lock:
            c = counts.setdefault(key, {"posts": 0, "bytes": 0, "spans": 0})
            c["posts"] += 1
            c["bytes"] += len(body)
            c["spans"] += body.count(b'"traceId"')
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        with lock:
            body = json.dumps(counts).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


ThreadingHTTPServer((sys.argv[1], int(sys.argv[2])), Sink).serve_forever()
