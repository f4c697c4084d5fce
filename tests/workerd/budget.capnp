# Bare `workerd serve` for the retry quota's end-to-end test: an isolate of
# its own (the quota is per isolate), with room for two retries.
#
#   socket   service
#   budget   our Worker through the fault front, no cache, a small retry quota
#
# scripts/test.sh passes the port with `--socket-addr budget=127.0.0.1:PORT`
# and the endpoint and credentials through the environment. Embedded paths
# are relative to this file: build/ must hold the worker-build output.

using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "budget", worker = .budgetWorker),
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [
    (name = "budget", address = "127.0.0.1:18903", http = (), service = "budget"),
  ],
);

const budgetWorker :Workerd.Worker = (
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
    (name = "CACHE_RUNNING_TTL_SECONDS", text = "0"),
    (name = "CACHE_FINISHED_TTL_SECONDS", text = "0"),
    (name = "CACHE_PENDING_TTL_SECONDS", text = "0"),
    (name = "DYNAMODB_MAX_ATTEMPTS", text = "3"),
    (name = "DYNAMODB_ATTEMPT_TIMEOUT_MS", text = "1000"),
    (name = "DYNAMODB_DEADLINE_MS", text = "2500"),
    (name = "DYNAMODB_BACKOFF_BASE_MS", text = "20"),
    (name = "DYNAMODB_BACKOFF_MAX_MS", text = "100"),
    (name = "DYNAMODB_RETRY_QUOTA", text = "10"),
  ],
  globalOutbound = "loopback",
);
