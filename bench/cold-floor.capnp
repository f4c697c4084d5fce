# Cold start of the constant floor alone: workerd's own start-up and a first answer
# (bench/cold-start.mjs, run by scripts/bench.sh beside cold-ours and
# cold-js-peer). The Worker is defined in workerd.capnp.
using Workerd = import "/workerd/workerd.capnp";
using Bench = import "workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "floor", worker = Bench.floorWorker),
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [(name = "cold", address = "127.0.0.1:18811", http = (), service = "floor")],
);
