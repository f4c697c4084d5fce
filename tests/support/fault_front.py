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

Hostile stores (the upstream is not called; every answer carries a correct
x-amz-crc32 of the bytes sent):

    item:NAME   200 with the canned body NAME (see CANNED_BODIES: items near
                400 KB, nesting past 100 levels, wrong types, numbers at and
                past DynamoDB's limits, HTML, invalid UTF-8, ...)
    huge:MODE   200 with a 10 MB GetItem body; MODE `length` sends
                Content-Length, `chunked` chunked transfer coding, `close`
                neither (the body ends when the connection closes)
    redirect[:CODE]  CODE (default 307) to /__front/redirected on another
                origin (`localhost` instead of `127.0.0.1`, same port); the
                front counts what arrives there under the session
                `(redirected)`, under `(redirected-authorization)` those
                carrying an Authorization header and under
                `(redirected-amz-headers)` those carrying x-amz-* headers

Admin API (not counted):
    POST /__front/plan  {"session":"abc","actions":["throttle","pass"]}  -> {}
    GET  /__front/count[?session=abc]  -> {"count":N}  (total without session)
    POST /__front/reset  clears plans and counts
    POST /__front/default {"action":"hang:3"}  -> {}  the action for every call
                         whose session has no plan (a region that is down);
                         {"action":"pass"} restores the default
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
# Hostile-store actions, each taking a word argument (see the docstring).
HOSTILE = {"item", "huge", "redirect"}
HUGE_BYTES = 10 * 1024 * 1024
HUGE_MODES = {"length", "chunked", "close"}
DEFAULT_HANG_SECONDS = 10.0


def crc32(body):
    # DynamoDB sends the CRC32 of the body as an unsigned decimal string.
    return str(zlib.crc32(body) & 0xFFFFFFFF)


def parse_action(text):
    """'hang:3' -> ('hang', 3.0), 'item:deep_map' -> ('item', 'deep_map');
    anything unknown raises ValueError."""
    name, _, arg = text.partition(":")
    if name in HOSTILE:
        valid = {
            "item": arg in CANNED_BODIES,
            "huge": arg in HUGE_MODES,
            "redirect": arg in ("", "301", "302", "303", "307", "308"),
        }[name]
        if not valid:
            raise ValueError(f"unknown action {text!r}")
        return name, arg
    if name not in ACTIONS or (arg and name not in TIMED):
        raise ValueError(f"unknown action {text!r}")
    return name, float(arg) if arg else DEFAULT_HANG_SECONDS


# ---- canned bodies for `item:NAME`: (content type, body(session) -> bytes) ----

JSON_TYPE = "application/x-amz-json-1.0"


def _item(session, **attributes):
    item = {"sessionId": {"S": session}}
    item.update(attributes)
    return json.dumps({"Item": item}, separators=(",", ":")).encode()


def _nested(tag, levels):
    value = {"S": "bottom"}
    for _ in range(levels):
        value = {"M": {"a": value}} if tag == "M" else {"L": [value]}
    return value


def _agent(**fields):
    return {"M": fields}


CANNED_BODIES = {
    # Near DynamoDB's 400 KB item limit: a 390 KB activity, rendered.
    "big": lambda s: _item(
        s,
        pdfAdapter=_agent(status={"S": "in_progress"}, activity={"S": "a" * 390_000}),
        overallStatus={"S": "processing"},
    ),
    # 130 000 non-ASCII characters: 390 KB of UTF-8, 780 KB as \u escapes.
    "big_escaped": lambda s: json.dumps(
        {
            "Item": {
                "sessionId": {"S": s},
                "pdfAdapter": _agent(status={"S": "in_progress"}, activity={"S": "\u00e9" * 130_000}),
                "overallStatus": {"S": "processing"},
            }
        },
        separators=(",", ":"),
        ensure_ascii=True,
    ).encode(),
    # Nesting in an attribute the transform ignores. DynamoDB allows 32 levels.
    "deep_map_32": lambda s: _item(s, extra=_nested("M", 32), overallStatus={"S": "processing"}),
    "deep_map": lambda s: _item(s, extra=_nested("M", 120), overallStatus={"S": "processing"}),
    "deep_list": lambda s: _item(s, extra=_nested("L", 120), overallStatus={"S": "processing"}),
    "deep_agent": lambda s: _item(s, pdfAdapter=_nested("M", 120)),
    # Every attribute the transform reads, each with a type it does not cover.
    "wrong_types": lambda s: _item(
        s,
        pdfAdapter={"S": "success"},
        tradeExtraction={"N": "1"},
        tradeMatching={"L": []},
        exceptionManagement={"BOOL": True},
        overallStatus={"NULL": True},
        lastUpdated={"N": "1735000000"},
    ),
    "wrong_agent_fields": lambda s: _item(
        s,
        pdfAdapter=_agent(
            status={"N": "1"},
            activity={"BOOL": False},
            startedAt={"N": "0"},
            completedAt={"M": {}},
            duration={"BOOL": True},
            error={"N": "1"},
            tokenUsage={"S": "many"},
        ),
    ),
    "wrong_tokens": lambda s: _item(
        s,
        pdfAdapter=_agent(status={"S": "success"}, activity={"S": "Done"}, tokenUsage=_agent(totalTokens={"S": "12"})),
    ),
    "wrong_overall": lambda s: _item(s, overallStatus={"N": "3"}),
    "wrong_last_updated": lambda s: _item(s, lastUpdated={"BOOL": True}),
    # Numbers at and past DynamoDB's limits (38 digits, 1E+125 .. 1E-130).
    "num_max_exponent": lambda s: _item(s, pdfAdapter=_agent(duration={"N": "9.9999999999999999999999999999999999999E+125"})),
    "num_1e126": lambda s: _item(s, pdfAdapter=_agent(duration={"N": "1E+126"})),
    "num_1e127": lambda s: _item(s, pdfAdapter=_agent(duration={"N": "1E+127"})),
    "num_tiny": lambda s: _item(s, pdfAdapter=_agent(duration={"N": "1E-130"})),
    "num_too_tiny": lambda s: _item(s, pdfAdapter=_agent(duration={"N": "1E-131"})),
    "num_neg_zero": lambda s: _item(
        s,
        pdfAdapter=_agent(status={"S": "success"}, activity={"S": "Done"}, duration={"N": "-0"}, tokenUsage=_agent(totalTokens={"N": "-0"})),
    ),
    "num_38_digits": lambda s: _item(
        s,
        pdfAdapter=_agent(status={"S": "success"}, activity={"S": "Done"}, tokenUsage=_agent(totalTokens={"N": "1" * 38})),
    ),
    "num_39_digits": lambda s: _item(
        s,
        pdfAdapter=_agent(status={"S": "success"}, activity={"S": "Done"}, tokenUsage=_agent(totalTokens={"N": "1" * 39})),
    ),
    "num_nan": lambda s: _item(s, pdfAdapter=_agent(duration={"N": "NaN"})),
    "num_infinity": lambda s: _item(s, pdfAdapter=_agent(tokenUsage=_agent(totalTokens={"N": "Infinity"}), activity={"S": "x"})),
    "num_hex": lambda s: _item(s, pdfAdapter=_agent(duration={"N": "0x10"})),
    "num_empty": lambda s: _item(s, pdfAdapter=_agent(duration={"N": ""})),
    "num_huge_exponent": lambda s: _item(s, pdfAdapter=_agent(duration={"N": "1E+99999999999999999999"})),
    # `N` as a JSON number, an unknown type tag: well-formed JSON of the wrong shape.
    "n_as_json_number": lambda s: f'{{"Item":{{"sessionId":{{"S":"{s}"}},"pdfAdapter":{{"M":{{"duration":{{"N":12}}}}}}}}}}'.encode(),
    "unknown_tag": lambda s: _item(s, extra={"ZZ": "x"}),
    "item_not_a_map": lambda s: b'{"Item":["not","a","map"]}',
    "item_null": lambda s: b'{"Item":null}',
    "empty_object": lambda s: b"{}",
    "empty_body": lambda s: b"",
    "json_array": lambda s: b"[1,2,3]",
    # Bytes no JSON parser reads, vouched for by the checksum.
    "html": lambda s: b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>",
    "invalid_utf8": lambda s: b'{"Item":{"sessionId":{"S":"x"},"overallStatus":{"S":"\xff\xfe"}}}',
    "nul_in_string": lambda s: _item(s, overallStatus={"S": "proc\u0000essing"}),
    "duplicate_keys": lambda s: f'{{"Item":{{"sessionId":{{"S":"{s}"}},"overallStatus":{{"S":"a"}},"overallStatus":{{"S":"b"}}}}}}'.encode(),
    "trailing_garbage": lambda s: _item(s) + b"}}}garbage",
}


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
            self.default = ("pass", 0.0)

    def set_default(self, action):
        with self.lock:
            self.default = action

    def set_plan(self, session, actions):
        with self.lock:
            self.plans[session] = collections.deque(actions)

    def next_action(self, session):
        with self.lock:
            self.counts[session] += 1
            plan = self.plans[session]
            return plan.popleft() if plan else self.default

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
        if self.path.startswith("/__front/redirected"):
            return self.redirected()
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
        if action == "item":
            content_type = "text/html" if hang_seconds == "html" else JSON_TYPE
            return self.answer(200, content_type, CANNED_BODIES[hang_seconds](session_key(body)))
        if action == "huge":
            return self.huge(hang_seconds, session_key(body))
        if action == "redirect":
            return self.redirect(int(hang_seconds or 307))
        return self.forward(action, body)

    def huge(self, mode, session):
        """A 10 MB GetItem result, its length announced or not."""
        head = json.dumps({"Item": {"sessionId": {"S": session}, "pad": {"S": ""}}}, separators=(",", ":"))
        prefix, suffix = head[: -len('"}}}')].encode(), b'"}}}'
        pad = HUGE_BYTES - len(prefix) - len(suffix)
        chunk = b"x" * 65536
        crc = zlib.crc32(prefix)
        left = pad
        while left > 0:
            crc = zlib.crc32(chunk[: min(left, len(chunk))], crc)
            left -= len(chunk)
        crc = zlib.crc32(suffix, crc)
        self.send_response_only(200)
        self.send_header("Content-Type", JSON_TYPE)
        self.send_header("x-amzn-RequestId", uuid.uuid4().hex.upper())
        self.send_header("x-amz-crc32", str(crc & 0xFFFFFFFF))
        if mode == "length":
            self.send_header("Content-Length", str(HUGE_BYTES))
        elif mode == "chunked":
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()

        def write(data):
            if mode == "chunked":
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            else:
                self.wfile.write(data)

        try:
            write(prefix)
            left = pad
            while left > 0:
                write(chunk[: min(left, len(chunk))])
                left -= len(chunk)
            write(suffix)
            if mode == "chunked":
                self.wfile.write(b"0\r\n\r\n")
        except OSError:
            # The client stopped reading (as it should, past its cap).
            self.close_connection = True
            return "200 (client went away)"
        return 200

    def redirect(self, code):
        """A redirect to another origin: a client following it would send
        the signed request (and its body) somewhere DynamoDB is not."""
        port = self.server.server_address[1]
        location = f"http://localhost:{port}/__front/redirected"
        payload = b'{"__type":"Redirect","message":"moved"}'
        self.send_response_only(code)
        self.send_header("Location", location)
        self.send_header("Content-Type", JSON_TYPE)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("x-amz-crc32", crc32(payload))
        self.end_headers()
        self.wfile.write(payload)
        return code

    def redirected(self):
        """Where `redirect` points: counts arrivals (never logs headers) and
        answers like an empty GetItem, so a client that follows a redirect
        would see a plausible answer."""
        self.plans.next_action("(redirected)")
        if self.headers.get("Authorization"):
            self.plans.next_action("(redirected-authorization)")
        if any(name.lower().startswith("x-amz-") for name in self.headers.keys()):
            self.plans.next_action("(redirected-amz-headers)")
        names = sorted({name.lower() for name in self.headers.keys()})
        print(f"front: redirected {self.command} arrived with headers {names}", file=sys.stderr, flush=True)
        return self.answer(200, JSON_TYPE, b"{}")

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
        elif route == ("POST", "/__front/default"):
            try:
                self.plans.set_default(parse_action(json.loads(body)["action"]))
            except (ValueError, KeyError, TypeError) as err:
                error = json.dumps({"error": str(err)}, separators=(",", ":")).encode()
                return self.answer(400, "application/json", error)
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
