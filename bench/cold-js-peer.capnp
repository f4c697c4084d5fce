# Cold start of the JS peer (bench/cold-start.mjs, run by scripts/bench.sh):
# only the JS peer on the socket "cold". The Worker is defined in workerd.capnp.
using Workerd = import "/workerd/workerd.capnp";
using Bench = import "workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "js-peer", worker = Bench.jsPeer),
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [(name = "cold", address = "127.0.0.1:18811", http = (), service = "js-peer")],
);
