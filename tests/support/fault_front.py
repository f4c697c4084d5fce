#!/usr/bin/env python3
"""A fault-injecting HTTP/1.1 front for a DynamoDB-compatible server.

    fault_front.py --upstream http://127.0.0.1:PORT [--port N]

Prints `listening on 127.0.0.1:NNNN` once ready. Every request outside
/__front/ is a DynamoDB call. Its session key is the string value of the
first attribute of the body's `Key` map ("" when there is none); each call
counts against its key and consumes that key's next planned action (`pass`
once the plan is empty):

    pass        forward verbatim, answer what the upstream answered
    throttle    400 ProvisionedThroughputExceededException
    throttling  400 ThrottlingException
    error500    500 InternalServerError
    error503    503 ServiceUnavailable
    reset       close the connection with a TCP RST, no answer
    hang[:N]    say nothing for N seconds (default 10), then close
    delay[:N]   wait N seconds (default 10), then forward as `pass`
    bad_crc     forward, but answer with a wrong x-amz-crc32
    not_json    200 text/html page
    truncated   forward, but send only half the body, then close
    gzip        forward, but gzip the body and checksum the compressed
                bytes, as DynamoDB does when it compresses (whatever the
                request's Accept-Encoding said)

Admin API (not counted):
    POST /__front/plan  {"session":"abc","actions":["throttle","pass"]}  -> {}
    GET  /__front/count[?session=abc]  -> {"count":N}  (total without session)
    POST /__front/reset  clears plans and counts
    GET  /__front/health

Standard library only, so it runs under any python3.
"""

import argparse
import collections
import gzip
import http.client
import json
import socket
import struct
import sys
import threading
import time
import urllib.parse
import uuid
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {"connection", "transfer-encoding", "keep-alive"}
ERROR_PREFIX = "com.amazonaws.dynamodb.v20120810#"
# status, error type, message: what DynamoDB itself sends for these faults.
CANNED_ERRORS = {
    "throttle": (
        400,
        "ProvisionedThroughputExceededException",
        "The level of configured provisioned throughput for the table was exceeded. "
        "Consider increasing your provisioning level with the UpdateTable API.",
    ),
    "throttling": (400, "ThrottlingException", "Rate of requests exceeds the allowed throughput."),
    "error500": (500, "InternalServerError", "Internal server error"),
    "error503": (503, "ServiceUnavailable", "Service Unavailable"),
}
FORWARDING = {"pass", "bad_crc", "truncated", "gzip"}
ACTIONS = set(CANNED_ERRORS) | FORWARDING | {"reset", "hang", "delay", "not_json"}
TIMED = {"hang", "delay"}
DEFAULT_HANG_SECONDS = 10.0


def crc32(body):
    # DynamoDB sends the CRC32 of the body as an unsigned decimal string.
    return str(zlib.crc32(body) & 0xFFFFFFFF)


def parse_action(text):
    """'hang:3' -> ('hang', 3.0); anything unknown raises ValueError."""
    name, _, arg = text.partition(":")
    if name not in ACTIONS or (arg and name not in TIMED):
        raise ValueError(f"unknown action {text!r}")
    return name, float(arg) if arg else DEFAULT_HANG_SECONDS


def session_key(body):
    try:
        key = json.loads(body)["Key"]
        value = next(iter(next(iter(key.values())).values()))
        return value if isinstance(value, str) else ""
    except Exception:  # any body that is not a keyed DynamoDB call
        return ""


class Plans:
    """Per-session FIFO of planned actions and per-session call counts."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.plans = collections.defaultdict(collections.deque)
            self.counts = collections.Counter()

    def set_plan(self, session, actions):
        with self.lock:
            self.plans[session] = collections.deque(actions)

    def next_action(self, session):
        with self.lock:
            self.counts[session] += 1
            plan = self.plans[session]
            return plan.popleft() if plan else ("pass", 0.0)

    def count(self, session=None):
        with self.lock:
            return self.counts[session] if session is not None else sum(self.counts.values())


class FrontHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real clients expect
    timeout = 120  # idle keep-alive connections must not pin threads forever
    upstream = None  # (host, port), set in main
    plans = Plans()

    def do_request(self):
        body = self.read_body()
        if self.path.startswith("/__front/"):
            return self.admin(body)
        key = session_key(body)
        action, hang_seconds = self.plans.next_action(key)
        status = self.apply(action, hang_seconds, body)
        print(f"front: key={key!r} action={action} status={status}", file=sys.stderr, flush=True)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_request

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0], 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()  # CRLF after each chunk
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass  # trailers
            return b"".join(chunks)
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def apply(self, action, hang_seconds, body):
        """Carry out one action; returns the status for the log ('-' for none)."""
        if action in CANNED_ERRORS:
            status, error_type, message = CANNED_ERRORS[action]
            payload = {"__type": ERROR_PREFIX + error_type, "message": message}
            body = json.dumps(payload, separators=(",", ":")).encode()
            return self.answer(status, "application/x-amz-json-1.0", body)
        if action == "not_json":
            # A proxy's page: no DynamoDB checksum vouches for it.
            return self.answer(200, "text/html", b"<html>gateway</html>", crc=False)
        if action == "reset":
            # Linger {on, 0} turns close() into a RST. Close the descriptor
            # ourselves: socketserver would first shutdown(SHUT_WR), i.e. send a
            # FIN, and the client would see a clean EOF instead of a reset.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            socket.close(self.connection.detach())
            self.close_connection = True
            return "-"
        if action == "hang":
            time.sleep(hang_seconds)
            self.close_connection = True
            return "-"
        if action == "delay":
            # A slow but healthy upstream: widens the window in which
            # concurrent misses must share one read.
            time.sleep(hang_seconds)
            return self.forward("pass", body)
        return self.forward(action, body)

    def forward(self, action, body):
        try:
            status, reason, headers, data = self.call_upstream(body)
        except OSError as err:
            # Not a fault we planned: make it loud rather than a silent hang.
            message = f"fault_front: upstream unreachable: {err}".encode()
            return self.answer(502, "text/plain", message)
        if action == "bad_crc":
            good = next((v for k, v in headers if k.lower() == "x-amz-crc32"), crc32(data))
            headers = [(k, v) for k, v in headers if k.lower() != "x-amz-crc32"]
            headers.append(("x-amz-crc32", str((int(good) + 1) & 0xFFFFFFFF)))
        if action == "gzip":
            data = gzip.compress(data)
            dropped = {"x-amz-crc32", "content-encoding"}
            headers = [(k, v) for k, v in headers if k.lower() not in dropped]
            headers += [("Content-Encoding", "gzip"), ("x-amz-crc32", crc32(data))]
        self.send_response_only(status, reason)
        for name, value in headers:
            if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if action == "truncated":
            self.wfile.write(data[: len(data) // 2])
            self.close_connection = True
        elif self.command != "HEAD":
            self.wfile.write(data)
        return status

    def call_upstream(self, body):
        # A new upstream connection per call: moto answers `Connection: close`
        # anyway, and nothing can leak between calls.
        conn = http.client.HTTPConnection(*self.upstream, timeout=60)
        try:
            # The client's own Host header goes through untouched: it is part
            # of the SigV4 signature the upstream recomputes.
            conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for name, value in self.headers.items():
                if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                    conn.putheader(name, value)
            conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            resp = conn.getresponse()
            return resp.status, resp.reason, resp.getheaders(), resp.read()
        finally:
            conn.close()

    def answer(self, status, content_type, body, crc=True):
        self.send_response_only(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", uuid.uuid4().hex.upper())
        if crc:
            self.send_header("x-amz-crc32", crc32(body))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return status

    def admin(self, body):
        url = urllib.parse.urlsplit(self.path)
        route = (self.command, url.path)
        if route == ("GET", "/__front/health"):
            result = {}
        elif route == ("GET", "/__front/count"):
            session = urllib.parse.parse_qs(url.query).get("session", [None])[0]
            result = {"count": self.plans.count(session)}
        elif route == ("POST", "/__front/reset"):
            self.plans.reset()
            result = {}
        elif route == ("POST", "/__front/plan"):
            try:
                request = json.loads(body)
                actions = [parse_action(a) for a in request["actions"]]
                self.plans.set_plan(str(request["session"]), actions)
            except (ValueError, KeyError, TypeError) as err:
                error = json.dumps({"error": str(err)}, separators=(",", ":")).encode()
                return self.answer(400, "application/json", error)
            result = {}
        else:
            return self.answer(404, "application/json", b'{"error":"no such admin route"}')
        print(f"front: admin {self.command} {self.path}", file=sys.stderr, flush=True)
        self.answer(200, "application/json", json.dumps(result, separators=(",", ":")).encode())

    def log_message(self, format, *args):
        # Only http.server's own errors (bad request lines, timeouts) end up
        # here; request lines are logged by do_request without any headers.
        print("front: " + format % args, file=sys.stderr, flush=True)


class FrontServer(ThreadingHTTPServer):
    daemon_threads = True  # a hanging handler must not delay shutdown
    request_queue_size = 128  # load tests open many connections at once


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upstream", required=True, help="e.g. http://127.0.0.1:5000")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args = parser.parse_args()
    upstream = urllib.parse.urlsplit(args.upstream)
    if upstream.scheme != "http" or not upstream.hostname:
        parser.error("--upstream must be an http:// URL")
    FrontHandler.upstream = (upstream.hostname, upstream.port or 80)
    server = FrontServer(("127.0.0.1", args.port), FrontHandler)
    print(f"listening on 127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
