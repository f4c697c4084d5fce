# Bare `workerd serve` for the soak (tests/e2e_soak.rs): the Worker reading
# DynamoDB through the fault front with caching on (the `front` worker's
# periods and retry settings in scripts/test.sh), in a process of its own so
# the soak can read its resident memory from /proc.
#
#   socket   service
#   soak     our Worker, DynamoDB store through the fault front, cache on
#
# The driver passes the port with `--socket-addr soak=127.0.0.1:PORT` and the
# endpoint and credentials through the environment. Embedded paths are
# relative to this file: build/ must hold the worker-build output.

using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  # A Workers isolate lives within 128 MB; bare workerd sets no limit, and
  # V8 then grows its heap lazily (RSS to ~270 MB before it plateaus) with
  # nothing to collect for. A heap limit as in production makes the soak
  # measure what the Worker keeps, and a real leak would run out of it.
  v8Flags = ["--max-old-space-size=96"],
  services = [
    (name = "soak", worker = .soakWorker),
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [
    (name = "soak", address = "127.0.0.1:18902", http = (), service = "soak"),
  ],
);

const soakWorker :Workerd.Worker = (
  modules = [
    (name = "worker/shim.mjs", esModule = embed "../../build/worker/shim.mjs"),
    (name = "index.js", esModule = embed "../../build/index.js"),
    (name = "index_bg.wasm", wasm = embed "../../build/index_bg.wasm"),
  ],
  compatibilityDate = "2026-05-01",
  bindings = [
    (name = "STATUS_STORE", text = "dynamodb"),
    (name = "DYNAMODB_PROCESSING_STATUS_TABLE", text = "trade-matching-system-processing-status"),
    (name = "AWS_REGION", text = "us-east-1"),
    (name = "DYNAMODB_ENDPOINT", fromEnvironment = "E2E_WORKERD_ENDPOINT"),
    (name = "AWS_ACCESS_KEY_ID", fromEnvironment = "E2E_WORKERD_ACCESS_KEY_ID"),
    (name = "AWS_SECRET_ACCESS_KEY", fromEnvironment = "E2E_WORKERD_SECRET_ACCESS_KEY"),
    (name = "CACHE_RUNNING_TTL_SECONDS", text = "2"),
    (name = "CACHE_FINISHED_TTL_SECONDS", text = "4"),
    (name = "CACHE_PENDING_TTL_SECONDS", text = "1"),
    (name = "DYNAMODB_MAX_ATTEMPTS", text = "3"),
    (name = "DYNAMODB_ATTEMPT_TIMEOUT_MS", text = "1000"),
    (name = "DYNAMODB_DEADLINE_MS", text = "2500"),
    (name = "DYNAMODB_BACKOFF_BASE_MS", text = "20"),
    (name = "DYNAMODB_BACKOFF_MAX_MS", text = "100"),
  ],
  globalOutbound = "loopback",
);
