#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target into fuzz/corpus/<target>/.

Seeds come from fixtures/ (items, the session ids the README lists, the
test RSA keys) plus hand-written edge cases. Run by scripts/fuzz.sh before
each run; idempotent (seed files are named `seed-*` and rewritten, the
inputs libFuzzer added stay). Uses only the standard library; `openssl`
is used, when present, to sign the JWT seeds and read the keys' moduli.
"""

import base64
import json
import os
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CORPUS = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "fuzz" / "corpus"

ITEMS = sorted((FIXTURES / "items").glob("*.json"))
SESSION_IDS = [p.stem for p in ITEMS if p.stem != "session-unicode"] + [
    "résumé ✓ 2025-12",
    "FAB_26933659",
]


def write(target, seeds):
    directory = CORPUS / target
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("seed-*"):
        old.unlink()
    for index, seed in enumerate(seeds):
        data = seed.encode() if isinstance(seed, str) else bytes(seed)
        (directory / f"seed-{index:03d}").write_bytes(data)
    return len(seeds)


def pct(text):
    from urllib.parse import quote

    return quote(text, safe="")


# --- route -------------------------------------------------------------------


def route_seeds():
    seeds = ["/health", "/", "/api/workflow/", "/api/workflow//status", "%zz", "%", "%4", "a%2Fb", "a%2fb"]
    for sid in SESSION_IDS:
        seeds += [
            pct(sid),
            f"/api/workflow/{pct(sid)}/status",
            f"/api/workflow/{pct(sid)}/status/",
            f"https://status.example.com/api/workflow/{pct(sid)}/status?x=1#frag",
        ]
    seeds += [
        "/api/workflow/a%20b/status",
        "/api/workflow/a+b/status",
        "/api/workflow/a%00b/status",
        "/api/workflow/a%7Fb/status",
        "/api/workflow/%C3%28/status",
        "/api/workflow/%E2%9C/status",
        "/api/workflow/..%2F..%2Fetc/status",
        "/api/workflow/%2e%2e/status",
        "/api/workflow/x/status//",
        "/api/workflow/x/status/extra",
        "/API/workflow/x/status",
        "http://h:8787?only=query",
        "http://h#only-fragment",
        "//no-scheme/api/workflow/x/status",
        "/api/workflow/" + "a" * 2048 + "/status",
        "/api/workflow/" + "a" * 2049 + "/status",
        "/api/workflow/" + "%C3%A9" * 700 + "/status",
        "-._~",
    ]
    return seeds


# --- interpret ---------------------------------------------------------------

NO_CRC, GOOD_CRC, BAD_CRC, LITERAL_CRC = 0, 1, 2, 3
NO_ENC, GZIP, IDENTITY, LITERAL_ENC = 0, 1, 2, 3


def answer(status, body, crc=GOOD_CRC, enc=NO_ENC, crc_literal=None, enc_literal=None):
    body = body.encode() if isinstance(body, str) else body
    out = struct.pack(">H", status) + bytes([crc | (enc << 2)])
    for literal in (crc_literal, enc_literal):
        if literal is not None:
            raw = literal.encode()
            out += bytes([len(raw)]) + raw
    return out + body


def error_body(code, message, prefix=True, key="message"):
    kind = f"com.amazonaws.dynamodb.v20120810#{code}" if prefix else code
    return json.dumps({"__type": kind, key: message})


def interpret_seeds():
    seeds = []
    for path in ITEMS:
        item = json.loads(path.read_text())
        body = json.dumps({"Item": item}, ensure_ascii=False, separators=(",", ":"))
        seeds.append(answer(200, body))
        seeds.append(answer(200, body, crc=NO_CRC))
    one = json.dumps({"Item": json.loads(ITEMS[0].read_text())})
    compressed = zlib.compress(one.encode())
    seeds += [
        answer(200, "{}"),
        answer(200, "{}", crc=BAD_CRC),
        answer(200, '{"Item":null}'),
        answer(200, '{"Item":{"sessionId":{"N":5}}}'),
        answer(200, '{"Item":{"a":{"X":"y"}}}'),
        answer(200, '{"Item":' + "[" * 200 + "]" * 200 + "}"),
        answer(200, one[: len(one) // 2]),
        answer(200, one[: len(one) // 2], crc=NO_CRC),
        answer(200, compressed, enc=GZIP),
        answer(200, compressed, crc=NO_CRC, enc=GZIP),
        answer(200, one, enc=IDENTITY),
        answer(200, one, enc=LITERAL_ENC, enc_literal=" GZIP , br "),
        answer(200, one, crc=LITERAL_CRC, crc_literal=" 123 "),
        answer(200, one, crc=LITERAL_CRC, crc_literal="\u00e9\u0661\u0662"),
        answer(200, b"\xff\xfe{}", crc=NO_CRC),
        answer(502, "<html><body>502 Bad Gateway</body></html>", crc=NO_CRC),
        answer(
            403,
            "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidSignatureException</Code>"
            "<Message>Credential=AKIAIOSFODNN7EXAMPLE/20251224/us-east-1/dynamodb/aws4_request "
            "Signature=0123456789abcdef0123456789abcdef</Message></Error></ErrorResponse>",
            crc=NO_CRC,
        ),
        answer(403, "<Error><Code>AccessDenied</Code></Error>", crc=NO_CRC),
    ]
    arn = "arn:aws:dynamodb:us-east-1:123456789012:table/trade-matching-system-processing-status"
    for status, code, message in [
        (400, "ResourceNotFoundException", "Requested resource not found"),
        (400, "ValidationException", "The provided key element does not match the schema"),
        (400, "ValidationException", "1 validation error detected"),
        (400, "ProvisionedThroughputExceededException", "Rate of requests exceeds the allowed throughput."),
        (400, "ThrottlingException", "Rate exceeded"),
        (400, "RequestLimitExceeded", "Throughput exceeds the current throughput limit for your account."),
        (400, "UnrecognizedClientException", "The security token included in the request is invalid."),
        (400, "InvalidSignatureException", "Credential=AKIAIOSFODNN7EXAMPLE/20251224/us-east-1/dynamodb/aws4_request"),
        (400, "ExpiredTokenException", "The security token included in the request is expired"),
        (400, "AccessDeniedException", f"User: arn:aws:iam::123456789012:user/x is not authorized on {arn}"),
        (400, "MissingAuthenticationTokenException", ""),
        (500, "InternalServerError", "Internal server error"),
        (503, "ServiceUnavailable", "Service unavailable"),
        (429, "TooManyRequestsException", "slow down"),
    ]:
        seeds.append(answer(status, error_body(code, message)))
    seeds += [
        answer(400, error_body("ValidationException", "x", prefix=False, key="Message")),
        answer(400, '{"__type":null}'),
        answer(400, '{"message":"no type"}'),
        answer(400, "x" * 600, crc=NO_CRC),
        answer(0, ""),
        answer(301, "", crc=NO_CRC),
    ]
    return seeds


# --- transform ---------------------------------------------------------------


def transform_seeds():
    seeds = [path.read_bytes() for path in ITEMS]
    seeds += [
        "{}",
        '{"overallStatus":{"NULL":true}}',
        '{"pdfAdapter":{"M":{"status":{"S":"success"},"duration":{"N":"1E+126"}}}}',
        '{"pdfAdapter":{"M":{"duration":{"N":"-0"},"tokenUsage":{"M":{"totalTokens":{"N":"99999999999999999999999999999999999999"}}}}}}',
        '{"pdfAdapter":{"M":{"duration":{"S":"NaN"},"tokenUsage":{"M":{"totalTokens":{"S":"1,500.5"}}}}}}',
        '{"pdfAdapter":{"M":{"duration":{"N":"1e-130"},"startedAt":{"S":"2025-12-24T10:00:05.123456+00:00Z"}}}}',
        '{"lastUpdated":{"S":"+00:00Z"},"tradeMatching":{"L":[]},"x":{"SS":["a"]},"y":{"BS":["AA=="]},"z":{"NS":["1"]},"b":{"B":"AA=="},"t":{"BOOL":true}}',
        '{"exceptionManagement":{"M":{"error":{"S":"boom"},"activity":{"NULL":true},"status":{"S":"error"}}}}',
    ]
    return seeds


# --- config ------------------------------------------------------------------


def config_seeds():
    valid = {
        "STATUS_STORE": "fixtures",
        "DYNAMODB_PROCESSING_STATUS_TABLE": "status-table.v2",
        "AWS_REGION": "eu-west-1",
        "STATUS_KEY_ATTRIBUTE": "processing_id",
        "DYNAMODB_ENDPOINT": "http://127.0.0.1:8000",
        "DYNAMODB_CONSISTENT_READ": "true",
        "CORS_ORIGINS": '["https://portal.example.com","http://localhost:5173"]',
        "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "AWS_SESSION_TOKEN": "FwoGZXIvYXdzEXAMPLETOKEN",
        "DYNAMODB_MAX_ATTEMPTS": "3",
        "DYNAMODB_ATTEMPT_TIMEOUT_MS": "2000",
        "DYNAMODB_DEADLINE_MS": "5000",
        "DYNAMODB_BACKOFF_BASE_MS": "50",
        "DYNAMODB_BACKOFF_MAX_MS": "1000",
        "CACHE_RUNNING_TTL_SECONDS": "2",
        "CACHE_FINISHED_TTL_SECONDS": "30",
        "CACHE_PENDING_TTL_SECONDS": "1",
        "AUTH_MODE": "required",
        "COGNITO_USER_POOL_ID": "eu-west-1_AbCdEf123",
        "COGNITO_APP_CLIENT_ID": "client-a, client-b",
        "COGNITO_REGION": "eu-west-1",
        "AUTH_CLOCK_SKEW_SECONDS": "60",
    }
    invalid = {
        "STATUS_STORE": "postgres",
        "DYNAMODB_PROCESSING_STATUS_TABLE": "bad table!",
        "AWS_REGION": "eu west 1",
        "AWS_DEFAULT_REGION": "EU-WEST-1",
        "STATUS_KEY_ATTRIBUTE": "k" * 256,
        "DYNAMODB_ENDPOINT": "https://user:p4ss!word@dynamodb.local:99999/path?q",
        "DYNAMODB_CONSISTENT_READ": "yes",
        "CORS_ORIGINS": '["https://a.example", 5',
        "AWS_ACCESS_KEY_ID": "AKIA\u200bIOSFODNN7EXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "secret\twith#tab1",
        "AWS_SESSION_TOKEN": "tok\u00e9n",
        "DYNAMODB_MAX_ATTEMPTS": "11",
        "DYNAMODB_ATTEMPT_TIMEOUT_MS": "-1",
        "DYNAMODB_DEADLINE_MS": "18446744073709551616",
        "DYNAMODB_BACKOFF_BASE_MS": "1e3",
        "DYNAMODB_BACKOFF_MAX_MS": "0x10",
        "CACHE_RUNNING_TTL_SECONDS": "61",
        "CACHE_FINISHED_TTL_SECONDS": "3601",
        "CACHE_PENDING_TTL_SECONDS": " 11 ",
        "AUTH_MODE": "sometimes",
        "COGNITO_USER_POOL_ID": "no-underscore",
        "COGNITO_APP_CLIENT_ID": ",,," ,
        "COGNITO_REGION": "us-east-1",
        "COGNITO_ISSUER_URL": "http://issuer.example/",
        "AUTH_CLOCK_SKEW_SECONDS": "301",
    }
    lines = lambda d: "\n".join(f"{k}={v}" for k, v in d.items())
    seeds = ["", lines(valid), lines(invalid)]
    # One invalid value at a time on an otherwise valid configuration, so each
    # setting's own check is reached.
    for name, value in invalid.items():
        seeds.append(lines({**valid, name: value}))
    seeds += [
        "CORS_ORIGINS=*",
        "CORS_ORIGINS=https://a.example, http://b.example:8080",
        "CORS_ORIGINS=[]",
        "DYNAMODB_ENDPOINT=http://[::1]:8000",
        "DYNAMODB_ENDPOINT=localhost:8000",
        "AUTH_MODE=optional\nCOGNITO_USER_POOL_ID=us-east-1_Pool\nCOGNITO_APP_CLIENT_ID=c\nCOGNITO_ISSUER_URL=https://issuer.example",
        "AUTH_MODE=optional\nCOGNITO_USER_POOL_ID=us-east-1_Pool\nCOGNITO_APP_CLIENT_ID=c\nAWS_REGION=eu-west-1",
    ]
    return seeds


# --- jwt ---------------------------------------------------------------------

ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_FuzzPool1"  # as in jwt.rs
NOW = 1_766_570_400  # 2025-12-24T10:00:00Z, as in jwt.rs


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign(pem, data):
    if pem is None or shutil.which("openssl") is None:
        return b"\x00" * 256
    done = subprocess.run(
        ["openssl", "dgst", "-sha256", "-sign", str(pem)], input=data, capture_output=True
    )
    return done.stdout if done.returncode == 0 else b"\x00" * 256


def jwk(pem, kid):
    if shutil.which("openssl") is None:
        return None
    done = subprocess.run(["openssl", "rsa", "-in", str(pem), "-noout", "-modulus"], capture_output=True, text=True)
    if done.returncode != 0:
        return None
    modulus = bytes.fromhex(done.stdout.strip().split("=", 1)[1])
    return {"kty": "RSA", "alg": "RS256", "use": "sig", "kid": kid, "n": b64(modulus), "e": "AQAB"}


def token(header, claims, pem):
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    return f"{signing_input}.{b64(sign(pem, signing_input.encode()))}"


def jwt_seeds():
    key_a = FIXTURES / "auth" / "test-key-a.pem"
    key_b = FIXTURES / "auth" / "test-key-b.pem"
    id_claims = {
        "sub": "sub-1", "cognito:username": "alice", "token_use": "id", "aud": "client-a",
        "iss": ISSUER, "exp": NOW + 3600, "iat": NOW - 10, "auth_time": NOW - 10,
    }
    access_claims = {
        "sub": "sub-2", "username": "bob", "token_use": "access", "client_id": "client-b",
        "iss": ISSUER, "exp": NOW + 60, "nbf": NOW, "scope": "openid",
    }
    header = {"alg": "RS256", "kid": "key-a", "typ": "JWT"}
    tokens = [
        token(header, id_claims, key_a),
        token({**header, "kid": "key-b"}, access_claims, key_b),
        token(header, {**id_claims, "aud": ["other", "client-a"]}, key_a),
        token(header, {**id_claims, "exp": NOW - 3600}, key_a),
        token(header, {**id_claims, "exp": 1e308, "iat": "yesterday"}, key_a),
        token({"alg": "HS256", "kid": "key-a"}, id_claims, None),
        token({"alg": "none"}, id_claims, None),
        token({"alg": "RS256"}, access_claims, None),
    ]
    seeds = list(tokens)
    seeds += ["Bearer " + t for t in tokens[:3]]
    seeds += ["bearer  " + tokens[1] + " ", "Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearer\t" + tokens[0]]
    seeds += [json.dumps(id_claims), json.dumps(access_claims), json.dumps({**access_claims, "exp": None})]
    keys = [k for k in (jwk(key_a, "key-a"), jwk(key_b, "key-b")) if k]
    if keys:
        seeds.append(json.dumps({"keys": keys}))
        seeds.append(json.dumps({"keys": [{**keys[0], "e": "AAEAAQ"}, {**keys[0], "kty": "EC"}]}))
        seeds.append(json.dumps({"keys": [{**keys[0], "n": "AA"}]}))
    seeds += ['{"keys":[]}', '{"keys":{}}', "[]", "..", "a.b.c", "e30.e30.", "e30.e30.e30.e30"]
    return seeds


TARGETS = {
    "route": route_seeds,
    "interpret": interpret_seeds,
    "transform": transform_seeds,
    "config": config_seeds,
    "jwt": jwt_seeds,
}

if __name__ == "__main__":
    os.chdir(ROOT)
    for name, build in TARGETS.items():
        count = write(name, build())
        print(f"[seed] {name}: {count} seeds")
