# Bare `workerd serve` for the bad-input battery (tests/e2e_battery.rs): the
# fixture store with its default cache settings, reached over raw TCP so no
# proxy (wrangler dev's) normalises the request bytes first.
#
#   socket     service
#   fixtures   our Worker, embedded fixture store
#
# The driver passes the port with `--socket-addr fixtures=127.0.0.1:PORT`.
# Embedded paths are relative to this file: build/ must hold the
# worker-build output.

using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "fixtures", worker = .fixturesWorker),
  ],
  sockets = [
    (name = "fixtures", address = "127.0.0.1:18901", http = (), service = "fixtures"),
  ],
);

const fixturesWorker :Workerd.Worker = (
  modules = [
    (name = "worker/shim.mjs", esModule = embed "../../build/worker/shim.mjs"),
    (name = "index.js", esModule = embed "../../build/index.js"),
    (name = "index_bg.wasm", wasm = embed "../../build/index_bg.wasm"),
  ],
  compatibilityDate = "2026-05-01",
  bindings = [
    (name = "STATUS_STORE", text = "fixtures"),
  ],
);
