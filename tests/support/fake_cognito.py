#!/usr/bin/env python3
"""A fake Cognito issuer for the end-to-end authentication tests.

    fake_cognito.py [--port N] [--pool local_pool] [--client-id local-client]

Generates an RSA-2048 key pair at start and prints
`listening on 127.0.0.1:NNNN (issuer http://127.0.0.1:NNNN/<pool>)` once
ready. Point the Worker at it with
`COGNITO_ISSUER_URL=http://127.0.0.1:NNNN/<pool>`, `COGNITO_USER_POOL_ID=<pool>`
and `COGNITO_APP_CLIENT_ID=<client-id>`.

Issuer API:
    GET  /<pool>/.well-known/jwks.json   the JWKS (counted; 503 while "down")

Test API (not counted):
    GET  /__issuer/jwks-count            -> {"count": N}
    POST /__issuer/jwks-down   body 1|0  -> {"down": true|false}
    POST /__issuer/publish-second-key    adds the second key ("kid-2") to the JWKS
    POST /__issuer/reset                 count 0, up, second key unpublished
    GET  /__issuer/health                -> {"status": "ok"}
    POST /__issuer/mint  JSON body       -> {"token": "..."}

Mint options (all optional); a valid ID token for <client-id> by default:
    token_use    "id" (aud = client) or "access" (client_id = client)
    exp_offset   seconds from now for exp (default 3600; negative = expired)
    header       object merged into {"alg":"RS256","kid":"kid-1","typ":"JWT"}
    claims       object merged into the claims; a null value removes the claim
                 (e.g. {"iss": "...", "aud": "...", "client_id": "...", "nbf": ...})
    key          "primary" (default) or "second": which private key signs;
                 "second" also defaults the kid to "kid-2"
    sign         "rs256" (default), "hs256_public_key" (HMAC-SHA256 keyed with
                 the public key's PEM, alg HS256: the classic confusion attack)
                 or "none" (alg none, empty signature)
    tamper       true: swap the payload for one with sub "admin" after signing

Needs the `cryptography` package (tests/support/requirements-auth.txt).
"""

import argparse
import base64
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def int_bytes(value):
    return value.to_bytes((value.bit_length() + 7) // 8, "big")


class Key:
    def __init__(self, kid):
        self.kid = kid
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        numbers = self.private.public_key().public_numbers()
        self.jwk = {
            "alg": "RS256",
            "e": b64url(int_bytes(numbers.e)),
            "kid": kid,
            "kty": "RSA",
            "n": b64url(int_bytes(numbers.n)),
            "use": "sig",
        }
        self.public_pem = self.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def sign(self, data):
        return self.private.sign(data, padding.PKCS1v15(), hashes.SHA256())


class Issuer:
    def __init__(self, pool, client_id):
        self.pool = pool
        self.client_id = client_id
        self.primary = Key("kid-1")
        self.second = Key("kid-2")
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.count = 0
            self.down = False
            self.second_published = False

    def jwks(self):
        keys = [self.primary.jwk]
        if self.second_published:
            keys.append(self.second.jwk)
        return {"keys": keys}

    def mint(self, issuer_url, options):
        now = int(time.time())
        key = self.second if options.get("key") == "second" else self.primary
        token_use = options.get("token_use", "id")
        claims = {
            "sub": "11111111-2222-3333-4444-555555555555",
            "iss": issuer_url,
            "token_use": token_use,
            "auth_time": now,
            "iat": now,
            "exp": now + int(options.get("exp_offset", 3600)),
            "jti": b64url(hashlib.sha256(str(time.time_ns()).encode()).digest()[:12]),
        }
        if token_use == "access":
            claims.update({"client_id": self.client_id, "username": "test-user",
                           "scope": "aws.cognito.signin.user.admin"})
        else:
            claims.update({"aud": self.client_id, "cognito:username": "test-user",
                           "email": "test-user@example.invalid"})
        for name, value in (options.get("claims") or {}).items():
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value

        sign = options.get("sign", "rs256")
        alg = {"rs256": "RS256", "hs256_public_key": "HS256", "none": "none"}.get(sign)
        if alg is None:
            raise ValueError(f"unknown sign option {sign!r}")
        header = {"alg": alg, "kid": key.kid, "typ": "JWT"}
        for name, value in (options.get("header") or {}).items():
            if value is None:
                header.pop(name, None)
            else:
                header[name] = value

        encode = lambda obj: b64url(json.dumps(obj, separators=(",", ":")).encode())
        signing_input = f"{encode(header)}.{encode(claims)}".encode("ascii")
        if sign == "rs256":
            signature = b64url(key.sign(signing_input))
        elif sign == "hs256_public_key":
            signature = b64url(hmac.new(key.public_pem, signing_input, hashlib.sha256).digest())
        else:
            signature = ""
        token_header, token_payload = signing_input.decode("ascii").split(".")
        if options.get("tamper"):
            token_payload = encode(dict(claims, sub="admin", **{"cognito:username": "admin"}))
        return f"{token_header}.{token_payload}.{signature}"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    issuer = None  # set in main

    def log_message(self, fmt, *args):  # quiet: tests read stdout for the URL only
        pass

    def issuer_url(self):
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/{self.issuer.pool}"

    def send_json(self, status, obj, extra_headers=()):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        for name, value in extra_headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def read_body(self):
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length else b""

    def do_GET(self):
        issuer = self.issuer
        path = self.path.split("?", 1)[0]
        if path == f"/{issuer.pool}/.well-known/jwks.json":
            with issuer.lock:
                issuer.count += 1
                down = issuer.down
                jwks = issuer.jwks()
            if down:
                self.send_json(503, {"message": "JWKS down (fake_cognito)"})
            else:
                self.send_json(200, jwks, [("cache-control", "max-age=3600")])
        elif path == "/__issuer/jwks-count":
            with issuer.lock:
                self.send_json(200, {"count": issuer.count})
        elif path == "/__issuer/health":
            self.send_json(200, {"status": "ok", "issuer": self.issuer_url()})
        else:
            self.send_json(404, {"message": "not found"})

    def do_POST(self):
        issuer = self.issuer
        body = self.read_body()
        path = self.path.split("?", 1)[0]
        try:
            if path == "/__issuer/mint":
                options = json.loads(body or b"{}")
                if not isinstance(options, dict):
                    raise ValueError("mint options must be a JSON object")
                self.send_json(200, {"token": issuer.mint(self.issuer_url(), options)})
            elif path == "/__issuer/jwks-down":
                flag = body.strip()
                if flag not in (b"1", b"0"):
                    raise ValueError("body must be 1 or 0")
                with issuer.lock:
                    issuer.down = flag == b"1"
                    self.send_json(200, {"down": issuer.down})
            elif path == "/__issuer/publish-second-key":
                with issuer.lock:
                    issuer.second_published = True
                self.send_json(200, {"kid": issuer.second.kid})
            elif path == "/__issuer/reset":
                issuer.reset()
                self.send_json(200, {})
            else:
                self.send_json(404, {"message": "not found"})
        except (ValueError, TypeError) as error:
            self.send_json(400, {"message": str(error)})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--pool", default="local_pool")
    parser.add_argument("--client-id", default="local-client")
    args = parser.parse_args()

    Handler.issuer = Issuer(args.pool, args.client_id)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    port = server.server_address[1]
    print(f"listening on 127.0.0.1:{port} (issuer http://127.0.0.1:{port}/{args.pool})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
