# Bare `workerd serve` configuration for the load benchmark (scripts/bench.sh).
#
# One workerd process serves every scenario on its own socket, so all of them
# run on the same runtime in the same run (workerd serves from one thread):
#
#   socket               service
#   floor                a constant ~800-byte JSON from a tiny JS Worker
#   floor-headers        the same with our hit answer's nine headers
#   fixtures-cache       our Worker, fixture store, edge cache on (hit path)
#   fixtures-cache-auth  the same with AUTH_MODE=optional (Cognito settings
#                        pointing at the issuer socket): the hit path plus an
#                        RS256 token verification per request
#   fixtures-nocache     our Worker, fixture store, every CACHE_*_TTL_SECONDS = 0
#   ddb-cache            our Worker, DynamoDB store (local dynalite), cache on
#   ddb-nocache          our Worker, DynamoDB store, cache TTLs 0 (network miss)
#   js-peer              the JS peer (bench/js-peer/worker.mjs, bundled with
#                        aws4fetch into js-peer.mjs by scripts/bench.sh): the
#                        same job in JavaScript, a signed GetItem per request
#   issuer               a stand-in Cognito issuer (bench/issuer.mjs): the
#                        bench-time JWKS at /<pool>/.well-known/jwks.json
#   stats-*              the counters of each edge cache (GET /__stats)
#
# The Cache API: workerd turns `caches.default` operations into HTTP requests
# to the Worker's `cacheApiOutbound` service. With none configured, put() and
# match() throw "No Cache was configured" (the Worker then serves uncached).
# bench/edge-cache.mjs is a small in-memory store speaking miniflare's cache
# protocol. Each Worker gets its own (a separate isolate, so a separate Map):
# the cache key depends on the store settings but not on the TTLs, so the
# cache-off Workers would otherwise be served the cache-on Workers' entries.
#
# Addresses below are defaults; scripts/bench.sh passes free ports with
# `--socket-addr NAME=127.0.0.1:PORT`, and the DynamoDB endpoint through the
# environment (BENCH_DYNAMODB_ENDPOINT), as are the issuer URL (it holds the
# issuer socket's port: BENCH_AUTH_ISSUER) and the key set it serves
# (BENCH_AUTH_JWKS, made from fixtures/auth/test-key-a.pem by
# bench/auth-token.mjs). The Workers' global fetch() may reach
# local (loopback) addresses only: the `loopback` network service.
#
# Embedded paths are relative to this file: build/ must hold the worker-build
# output (bash scripts/build.sh) and js-peer.mjs the bundled JS peer (both
# staged by scripts/bench.sh). workerd reads them at start-up.
#
# The cold-start measurement (bench/cold-start.mjs) serves
# bench/cold-ours.capnp or bench/cold-js-peer.capnp instead, which import
# the Workers defined here: one Worker on one socket ("cold"). (This file
# must hold one Config only: workerd 2026-04-26 ignores the constant name
# given on its command line.)

using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "floor", worker = .floorWorker),
    (name = "floor-headers", worker = .floorHeadersWorker),
    (name = "fixtures-cache", worker = .fixturesCache),
    (name = "fixtures-cache-auth", worker = .fixturesCacheAuth),
    (name = "fixtures-nocache", worker = .fixturesNoCache),
    (name = "ddb-cache", worker = .ddbCache),
    (name = "ddb-nocache", worker = .ddbNoCache),
    (name = "js-peer", worker = .jsPeer),
    (name = "edge-fixtures-cache", worker = .edgeCache),
    (name = "edge-fixtures-cache-auth", worker = .edgeCache),
    (name = "edge-fixtures-nocache", worker = .edgeCache),
    (name = "edge-ddb-cache", worker = .edgeCache),
    (name = "edge-ddb-nocache", worker = .edgeCache),
    (name = "issuer", worker = .issuerWorker),
    (name = "base-fixtures-cache", worker = .baseFixturesCache),
    (name = "base-ddb-cache", worker = .baseDdbCache),
    (name = "base-ddb-nocache", worker = .baseDdbNoCache),
    (name = "edge-base-fixtures-cache", worker = .edgeCache),
    (name = "edge-base-ddb-cache", worker = .edgeCache),
    (name = "edge-base-ddb-nocache", worker = .edgeCache),
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [
    (name = "floor", address = "127.0.0.1:18800", http = (), service = "floor"),
    (name = "floor-headers", address = "127.0.0.1:18818", http = (), service = "floor-headers"),
    (name = "fixtures-cache", address = "127.0.0.1:18801", http = (), service = "fixtures-cache"),
    (name = "fixtures-cache-auth", address = "127.0.0.1:18812", http = (), service = "fixtures-cache-auth"),
    (name = "fixtures-nocache", address = "127.0.0.1:18802", http = (), service = "fixtures-nocache"),
    (name = "ddb-cache", address = "127.0.0.1:18804", http = (), service = "ddb-cache"),
    (name = "ddb-nocache", address = "127.0.0.1:18805", http = (), service = "ddb-nocache"),
    (name = "js-peer", address = "127.0.0.1:18810", http = (), service = "js-peer"),
    (name = "stats-fixtures-cache", address = "127.0.0.1:18806", http = (), service = "edge-fixtures-cache"),
    (name = "stats-fixtures-nocache", address = "127.0.0.1:18807", http = (), service = "edge-fixtures-nocache"),
    (name = "stats-ddb-cache", address = "127.0.0.1:18808", http = (), service = "edge-ddb-cache"),
    (name = "stats-ddb-nocache", address = "127.0.0.1:18809", http = (), service = "edge-ddb-nocache"),
    (name = "stats-fixtures-cache-auth", address = "127.0.0.1:18813", http = (), service = "edge-fixtures-cache-auth"),
    (name = "issuer", address = "127.0.0.1:18814", http = (), service = "issuer"),
    (name = "base-fixtures-cache", address = "127.0.0.1:18815", http = (), service = "base-fixtures-cache"),
    (name = "base-ddb-cache", address = "127.0.0.1:18816", http = (), service = "base-ddb-cache"),
    (name = "base-ddb-nocache", address = "127.0.0.1:18817", http = (), service = "base-ddb-nocache"),
  ],
);

const compatibilityDate :Text = "2026-05-01";

const floorWorker :Workerd.Worker = (
  modules = [
    (name = "floor.mjs", esModule = embed "floor.mjs"),
    (name = "floor-body.mjs", esModule = embed "floor-body.mjs"),
  ],
  compatibilityDate = .compatibilityDate,
  globalOutbound = "loopback",
);

# The floor with our hit's nine headers (bench/floor-headers.mjs).
const floorHeadersWorker :Workerd.Worker = (
  modules = [
    (name = "floor-headers.mjs", esModule = embed "floor-headers.mjs"),
    (name = "floor-body.mjs", esModule = embed "floor-body.mjs"),
  ],
  compatibilityDate = .compatibilityDate,
  globalOutbound = "loopback",
);

# Cold-start baseline (bench/cold-wasm-load.capnp): only compiles our wasm.
const wasmLoad :Workerd.Worker = (
  modules = [
    (name = "wasm-load.mjs", esModule = embed "wasm-load.mjs"),
    (name = "index_bg.wasm", wasm = embed "../build/index_bg.wasm"),
  ],
  compatibilityDate = .compatibilityDate,
);

const edgeCache :Workerd.Worker = (
  modules = [(name = "edge-cache.mjs", esModule = embed "edge-cache.mjs")],
  compatibilityDate = .compatibilityDate,
  globalOutbound = "loopback",
);

# worker-build's output, under the names its imports use: build/worker/shim.mjs
# (the entry, as in wrangler.toml) imports "../index.js", which imports
# "./index_bg.wasm" and the built-in "cloudflare:workers".
const statusModules :List(Workerd.Worker.Module) = [
  (name = "worker/shim.mjs", esModule = embed "../build/worker/shim.mjs"),
  (name = "index.js", esModule = embed "../build/index.js"),
  (name = "index_bg.wasm", wasm = embed "../build/index_bg.wasm"),
];

# The baseline of an A/B run (BENCH_AGAINST=<bundle dir>, staged in base/ by
# scripts/bench.sh; without one, base/ holds the measured bundle again).
const baseModules :List(Workerd.Worker.Module) = [
  (name = "worker/shim.mjs", esModule = embed "../base/worker/shim.mjs"),
  (name = "index.js", esModule = embed "../base/index.js"),
  (name = "index_bg.wasm", wasm = embed "../base/index_bg.wasm"),
];

# The vars from wrangler.toml, then each scenario's own.

const fixturesCache :Workerd.Worker = (
  modules = .statusModules,
  compatibilityDate = .compatibilityDate,
  bindings = [
    (name = "STATUS_STORE", text = "fixtures"),
    (name = "DYNAMODB_PROCESSING_STATUS_TABLE", text = "trade-matching-system-processing-status"),
    (name = "AWS_REGION", text = "us-east-1"),
    (name = "STATUS_KEY_ATTRIBUTE", text = "sessionId"),
  ],
  cacheApiOutbound = "edge-fixtures-cache",
  globalOutbound = "loopback",
);

# fixturesCache with authentication on: AUTH_MODE=optional, so a presented
# token must verify (RS256, WebCrypto) on every request, hits included. The
# pool and client id are also in scripts/bench.sh, which mints the token.
const benchPoolId :Text = "us-east-1_Bench1234";
const benchClientId :Text = "benchclient0123456789";

const fixturesCacheAuth :Workerd.Worker = (
  modules = .statusModules,
  compatibilityDate = .compatibilityDate,
  bindings = [
    (name = "STATUS_STORE", text = "fixtures"),
    (name = "DYNAMODB_PROCESSING_STATUS_TABLE", text = "trade-matching-system-processing-status"),
    (name = "AWS_REGION", text = "us-east-1"),
    (name = "STATUS_KEY_ATTRIBUTE", text = "sessionId"),
    (name = "AUTH_MODE", text = "optional"),
    (name = "COGNITO_USER_POOL_ID", text = .benchPoolId),
    (name = "COGNITO_APP_CLIENT_ID", text = .benchClientId),
    # http://127.0.0.1:<issuer socket>/<pool>: the token's iss, and where the
    # Worker fetches <issuer>/.well-known/jwks.json (through "loopback").
    (name = "COGNITO_ISSUER_URL", fromEnvironment = "BENCH_AUTH_ISSUER"),
  ],
  cacheApiOutbound = "edge-fixtures-cache-auth",
  globalOutbound = "loopback",
);

# The issuer: serves BENCH_AUTH_JWKS at /<pool>/.well-known/jwks.json.
const issuerWorker :Workerd.Worker = (
  modules = [(name = "issuer.mjs", esModule = embed "issuer.mjs")],
  compatibilityDate = .compatibilityDate,
  bindings = [
    (name = "POOL_ID", text = .benchPoolId),
    (name = "JWKS", fromEnvironment = "BENCH_AUTH_JWKS"),
  ],
);

const fixturesNoCache :Workerd.Worker = (
  modules = .statusModules,
  compatibilityDate = .compatibilityDate,
  bindings = [
    (name = "STATUS_STORE", text = "fixtures"),
    (name = "DYNAMODB_PROCESSING_STATUS_TABLE", text = "trade-matching-system-processing-status"),
    (name = "AWS_REGION", text = "us-east-1"),
    (name = "STATUS_KEY_ATTRIBUTE", text = "sessionId"),
    (name = "CACHE_RUNNING_TTL_SECONDS", text = "0"),
    (name = "CACHE_FINISHED_TTL_SECONDS", text = "0"),
    (name = "CACHE_PENDING_TTL_SECONDS", text = "0"),
  ],
  cacheApiOutbound = "edge-fixtures-nocache",
  globalOutbound = "loopback",
);

const ddbCache :Workerd.Worker = (
  modules = .statusModules,
  compatibilityDate = .compatibilityDate,
  bindings = [
    (name = "STATUS_STORE", text = "dynamodb"),
    (name = "DYNAMODB_PROCESSING_STATUS_TABLE", text = "trade-matching-system-processing-status"),
    (name = "AWS_REGION", text = "us-east-1"),
    (name = "STATUS_KEY_ATTRIBUTE", text = "sessionId"),
    (name = "DYNAMODB_ENDPOINT", fromEnvironment = "BENCH_DYNAMODB_ENDPOINT"),
    # Dummy credentials: dynalite checks only the Authorization header's form.
    (name = "AWS_ACCESS_KEY_ID", text = "AKIDBENCHMARK"),
    (name = "AWS_SECRET_ACCESS_KEY", text = "bench-secret-not-a-real-key"),
  ],
  cacheApiOutbound = "edge-ddb-cache",
  globalOutbound = "loopback",
);

const ddbNoCache :Workerd.Worker = (
  modules = .statusModules,
  compatibilityDate = .compatibilityDate,
  bindings = [
    (name = "STATUS_STORE", text = "dynamodb"),
    (name = "DYNAMODB_PROCESSING_STATUS_TABLE", text = "trade-matching-system-processing-status"),
    (name = "AWS_REGION", text = "us-east-1"),
    (name = "STATUS_KEY_ATTRIBUTE", text = "sessionId"),
    (name = "DYNAMODB_ENDPOINT", fromEnvironment = "BENCH_DYNAMODB_ENDPOINT"),
    (name = "AWS_ACCESS_KEY_ID", text = "AKIDBENCHMARK"),
    (name = "AWS_SECRET_ACCESS_KEY", text = "bench-secret-not-a-real-key"),
    (name = "CACHE_RUNNING_TTL_SECONDS", text = "0"),
    (name = "CACHE_FINISHED_TTL_SECONDS", text = "0"),
    (name = "CACHE_PENDING_TTL_SECONDS", text = "0"),
  ],
  cacheApiOutbound = "edge-ddb-nocache",
  globalOutbound = "loopback",
);

# The A/B baseline's Workers: the same settings as their namesakes above.

const baseFixturesCache :Workerd.Worker = (
  modules = .baseModules,
  compatibilityDate = .compatibilityDate,
  bindings = [
    (name = "STATUS_STORE", text = "fixtures"),
    (name = "DYNAMODB_PROCESSING_STATUS_TABLE", text = "trade-matching-system-processing-status"),
    (name = "AWS_REGION", text = "us-east-1"),
    (name = "STATUS_KEY_ATTRIBUTE", text = "sessionId"),
  ],
  cacheApiOutbound = "edge-base-fixtures-cache",
  globalOutbound = "loopback",
);

const baseDdbCache :Workerd.Worker = (
  modules = .baseModules,
  compatibilityDate = .compatibilityDate,
  bindings = [
    (name = "STATUS_STORE", text = "dynamodb"),
    (name = "DYNAMODB_PROCESSING_STATUS_TABLE", text = "trade-matching-system-processing-status"),
    (name = "AWS_REGION", text = "us-east-1"),
    (name = "STATUS_KEY_ATTRIBUTE", text = "sessionId"),
    (name = "DYNAMODB_ENDPOINT", fromEnvironment = "BENCH_DYNAMODB_ENDPOINT"),
    # Dummy credentials: dynalite checks only the Authorization header's form.
    (name = "AWS_ACCESS_KEY_ID", text = "AKIDBENCHMARK"),
    (name = "AWS_SECRET_ACCESS_KEY", text = "bench-secret-not-a-real-key"),
  ],
  cacheApiOutbound = "edge-base-ddb-cache",
  globalOutbound = "loopback",
);

const baseDdbNoCache :Workerd.Worker = (
  modules = .baseModules,
  compatibilityDate = .compatibilityDate,
  bindings = [
    (name = "STATUS_STORE", text = "dynamodb"),
    (name = "DYNAMODB_PROCESSING_STATUS_TABLE", text = "trade-matching-system-processing-status"),
    (name = "AWS_REGION", text = "us-east-1"),
    (name = "STATUS_KEY_ATTRIBUTE", text = "sessionId"),
    (name = "DYNAMODB_ENDPOINT", fromEnvironment = "BENCH_DYNAMODB_ENDPOINT"),
    (name = "AWS_ACCESS_KEY_ID", text = "AKIDBENCHMARK"),
    (name = "AWS_SECRET_ACCESS_KEY", text = "bench-secret-not-a-real-key"),
    (name = "CACHE_RUNNING_TTL_SECONDS", text = "0"),
    (name = "CACHE_FINISHED_TTL_SECONDS", text = "0"),
    (name = "CACHE_PENDING_TTL_SECONDS", text = "0"),
  ],
  cacheApiOutbound = "edge-base-ddb-nocache",
  globalOutbound = "loopback",
);

# The JS peer: same table, same dynalite, same dummy credentials, no cache.
const jsPeer :Workerd.Worker = (
  modules = [(name = "js-peer.mjs", esModule = embed "js-peer.mjs")],
  compatibilityDate = .compatibilityDate,
  bindings = [
    (name = "DYNAMODB_PROCESSING_STATUS_TABLE", text = "trade-matching-system-processing-status"),
    (name = "AWS_REGION", text = "us-east-1"),
    (name = "STATUS_KEY_ATTRIBUTE", text = "sessionId"),
    (name = "DYNAMODB_ENDPOINT", fromEnvironment = "BENCH_DYNAMODB_ENDPOINT"),
    (name = "AWS_ACCESS_KEY_ID", text = "AKIDBENCHMARK"),
    (name = "AWS_SECRET_ACCESS_KEY", text = "bench-secret-not-a-real-key"),
  ],
  globalOutbound = "loopback",
);

# Cold start (bench/cold-ours.capnp): our Worker with the cache off, without
# a cacheApiOutbound (it never calls the Cache API then), so that no second
# isolate starts alongside it.
const ddbNoCacheCold :Workerd.Worker = (
  modules = .statusModules,
  compatibilityDate = .compatibilityDate,
  bindings = [
    (name = "STATUS_STORE", text = "dynamodb"),
    (name = "DYNAMODB_PROCESSING_STATUS_TABLE", text = "trade-matching-system-processing-status"),
    (name = "AWS_REGION", text = "us-east-1"),
    (name = "STATUS_KEY_ATTRIBUTE", text = "sessionId"),
    (name = "DYNAMODB_ENDPOINT", fromEnvironment = "BENCH_DYNAMODB_ENDPOINT"),
    (name = "AWS_ACCESS_KEY_ID", text = "AKIDBENCHMARK"),
    (name = "AWS_SECRET_ACCESS_KEY", text = "bench-secret-not-a-real-key"),
    (name = "CACHE_RUNNING_TTL_SECONDS", text = "0"),
    (name = "CACHE_FINISHED_TTL_SECONDS", text = "0"),
    (name = "CACHE_PENDING_TTL_SECONDS", text = "0"),
  ],
  globalOutbound = "loopback",
);
