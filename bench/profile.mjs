// Samples one workerd Worker's CPU with the V8 inspector while a load runs,
// then prints where its time went (self time by function, top N).
//
//   workerd serve --inspector-addr=127.0.0.1:PORT bench/workerd.capnp ...
//   node --experimental-websocket bench/profile.mjs 127.0.0.1:PORT SERVICE SECONDS [TOP]
//
// (Node 20 needs --experimental-websocket for the global WebSocket.)
const [address, service, seconds = "3", top = "30"] = process.argv.slice(2);
if (!address?.startsWith("127.0.0.1:") || !service) {
  console.error("usage: profile.mjs 127.0.0.1:PORT SERVICE [SECONDS] [TOP]");
  process.exit(2);
}
const ws = new WebSocket(`ws://${address}/${service}`);
let nextId = 1;
const pending = new Map();
function send(method, params = {}) {
  const id = nextId++;
  ws.send(JSON.stringify({ id, method, params }));
  return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
}
ws.onmessage = (event) => {
  const message = JSON.parse(event.data);
  const waiter = pending.get(message.id);
  if (!waiter) return;
  pending.delete(message.id);
  message.error ? waiter.reject(new Error(JSON.stringify(message.error))) : waiter.resolve(message.result);
};
const guard = setTimeout(() => {
  console.error("profiling did not finish in time");
  process.exit(1);
}, (Number(seconds) + 30) * 1000);
await new Promise((resolve, reject) => {
  ws.onopen = resolve;
  ws.onerror = () => reject(new Error(`cannot connect to ws://${address}/${service}`));
});
await send("Profiler.enable");
await send("Profiler.setSamplingInterval", { interval: 100 });
await send("Profiler.start");
await new Promise((r) => setTimeout(r, Number(seconds) * 1000));
const { profile } = await send("Profiler.stop");
clearTimeout(guard);
ws.close();

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  const frame = byId.get(id).callFrame;
  const name = frame.functionName || `(anonymous ${frame.url.split("/").pop()}:${frame.lineNumber})`;
  self.set(name, (self.get(name) ?? 0) + dt);
  total += dt;
});
const idle = self.get("(idle)") ?? 0;
self.delete("(idle)");
const busy = total - idle;
console.log(`${service}: ${(total / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s of it not idle`);
console.log("self time  % of busy  function");
for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) {
  console.log(`${(us / 1e3).toFixed(1).padStart(8)} ms  ${((us / busy) * 100).toFixed(1).padStart(6)}%  ${name.slice(0, 160)}`);
}
