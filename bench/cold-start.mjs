// Cold start, launch → first 200: starts `workerd serve CONFIG` (a config
// with one service on the socket "cold", e.g. bench/cold-ours.capnp),
// requests PATH until it answers 200 and stops workerd; RUNS rounds, each
// launching every CONFIG once in turn (so drift on the shared machine hits
// all of them alike). Prints one JSON line, keyed by the config's file name
// without .capnp:
// {"cold-ours":{"runs_ms":[...],"min_ms":..,"median_ms":..,"max_ms":..},...}.
// The clock starts just before spawn() and stops when the 200's body has
// been read; connection-refused answers are retried every 2 ms.
//
//   node bench/cold-start.mjs WORKERD PATH RUNS CONFIG...
//
// Only 127.0.0.1; workerd inherits this process's environment (the bench
// passes BENCH_DYNAMODB_ENDPOINT through it). Each workerd is started in its
// own process group and killed with it, by its pid.
import { spawn } from "node:child_process";
import { request } from "node:http";
import { createServer } from "node:net";

import { basename } from "node:path";

const [workerd, path, runsArg, ...configs] = process.argv.slice(2);
const runs = Number(runsArg ?? 5);
if (!workerd || !path || !(runs > 0) || configs.length === 0) {
  console.error("usage: cold-start.mjs WORKERD PATH RUNS CONFIG...");
  process.exit(2);
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const get = (port) =>
  new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
      res.on("error", () => resolve(0));
    });
    req.on("error", () => resolve(0));
    req.setTimeout(5000, () => req.destroy());
    req.end();
  });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let child;
const stop = async () => {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {}
  await Promise.race([exited, sleep(3000)]);
};
process.on("SIGTERM", async () => {
  await stop();
  process.exit(143);
});

let log = "";
async function launch(config) {
  const constName = basename(config, ".capnp");
  const port = await freePort();
  log = "";
  const started = performance.now();
  child = spawn(workerd, ["serve", config, "--socket-addr", `cold=127.0.0.1:${port}`], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  let status = 0;
  while (status !== 200) {
    if (child.exitCode !== null || performance.now() - started > 30000) {
      console.error(`${constName}: workerd did not answer 200 (last status ${status}); its output:\n${log.slice(-2000)}`);
      await stop();
      process.exit(1);
    }
    status = await get(port);
    if (status === 0) await sleep(2);
    else if (status !== 200) {
      console.error(`${constName}: first answer was ${status}, not 200; workerd output:\n${log.slice(-2000)}`);
      await stop();
      process.exit(1);
    }
  }
  const elapsed = performance.now() - started;
  await stop();
  await sleep(200); // let the machine settle between launches
  return elapsed;
}

const times = Object.fromEntries(configs.map((config) => [basename(config, ".capnp"), []]));
for (let i = 0; i < runs; i++) {
  for (const config of configs) times[basename(config, ".capnp")].push(await launch(config));
}
const round = (x) => Math.round(x * 10) / 10;
const summary = {};
for (const [name, list] of Object.entries(times)) {
  const sorted = [...list].sort((a, b) => a - b);
  const n = sorted.length;
  const median = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  summary[name] = {
    runs_ms: list.map(round),
    min_ms: round(sorted[0]),
    median_ms: round(median),
    max_ms: round(sorted[n - 1]),
  };
}
console.log(JSON.stringify(summary));
