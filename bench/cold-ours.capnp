# Cold start of our Worker (bench/cold-start.mjs, run by scripts/bench.sh):
# only our Worker (DynamoDB store, cache off: the first request is a GetItem)
# on the socket "cold". The Worker is defined in workerd.capnp.
using Workerd = import "/workerd/workerd.capnp";
using Bench = import "workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "ours", worker = Bench.ddbNoCacheCold),
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [(name = "cold", address = "127.0.0.1:18811", http = (), service = "ours")],
);
