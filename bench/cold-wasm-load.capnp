# Cold start of a JS Worker that only imports our index_bg.wasm: the module's compilation
# (bench/cold-start.mjs, run by scripts/bench.sh beside cold-ours and
# cold-js-peer). The Worker is defined in workerd.capnp.
using Workerd = import "/workerd/workerd.capnp";
using Bench = import "workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "wasm-load", worker = Bench.wasmLoad),
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [(name = "cold", address = "127.0.0.1:18811", http = (), service = "wasm-load")],
);
