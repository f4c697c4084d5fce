# Bare `workerd serve` for the global-reads tests: our Worker reading a
# table replicated to two regions, each behind its own fault front, in an
# isolate of its own (breakers are per isolate).
#
# `cfBlobHeader` lets a test say where a request is served: workerd builds
# `request.cf` from that header's JSON, as Cloudflare's edge builds it from
# the visitor's location.
#
# scripts/test.sh passes the port with `--socket-addr regions=127.0.0.1:PORT`
# and the endpoints and credentials through the environment.

using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "regions", worker = .regionsWorker),
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [
    (
      name = "regions",
      address = "127.0.0.1:18904",
      http = (cfBlobHeader = "x-test-cf"),
      service = "regions",
    ),
  ],
);

const regionsWorker :Workerd.Worker = (
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
    (name = "DYNAMODB_REGIONS", text = "us-east-1,eu-west-1"),
    (name = "DYNAMODB_ENDPOINTS", fromEnvironment = "E2E_REGIONS_ENDPOINTS"),
    (name = "AWS_ACCESS_KEY_ID", fromEnvironment = "E2E_WORKERD_ACCESS_KEY_ID"),
    (name = "AWS_SECRET_ACCESS_KEY", fromEnvironment = "E2E_WORKERD_SECRET_ACCESS_KEY"),
    (name = "CACHE_RUNNING_TTL_SECONDS", text = "0"),
    (name = "CACHE_FINISHED_TTL_SECONDS", text = "0"),
    (name = "CACHE_PENDING_TTL_SECONDS", text = "0"),
    (name = "DYNAMODB_MAX_ATTEMPTS", text = "3"),
    (name = "DYNAMODB_ATTEMPT_TIMEOUT_MS", text = "800"),
    (name = "DYNAMODB_DEADLINE_MS", text = "2500"),
    (name = "DYNAMODB_BACKOFF_BASE_MS", text = "20"),
    (name = "DYNAMODB_BACKOFF_MAX_MS", text = "50"),
  ],
  globalOutbound = "loopback",
);
