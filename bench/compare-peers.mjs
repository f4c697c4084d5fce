// Before the load: our Worker and the JS peer must answer the same bytes.
// For each session id, GET /api/workflow/<id>/status from both and compare
// status and body. A 200 body's "lastUpdated" is ignored only when both
// Workers wrote "now" there (the pending default, or an item without
// lastUpdated): both values within 10 minutes of the request. Non-200
// answers (malformed items) must agree on the status only; the details are
// each Worker's own words.
//
//   node bench/compare-peers.mjs OURS_BASE_URL JS_BASE_URL ID...
//
// Prints one line per id and exits 1 on any difference.
const [ours, peer, ...ids] = process.argv.slice(2);
if (!ours || !peer || ids.length === 0) {
  console.error("usage: compare-peers.mjs OURS_BASE_URL JS_BASE_URL ID...");
  process.exit(2);
}
for (const base of [ours, peer]) {
  if (new URL(base).hostname !== "127.0.0.1") {
    console.error(`refusing ${base}: only 127.0.0.1`);
    process.exit(2);
  }
}

const NOW_FIELD = /"lastUpdated":"([^"]*)"}$/;
function normalized(body, started) {
  const m = NOW_FIELD.exec(body);
  if (!m) return { body, now: false };
  const t = Date.parse(m[1]);
  const now = Number.isFinite(t) && Math.abs(t - started) < 600_000 && /\.\d{3}Z$/.test(m[1]);
  return { body: now ? body.replace(NOW_FIELD, '"lastUpdated":"<now>"}') : body, now };
}

async function get(base, id) {
  const response = await fetch(`${base}/api/workflow/${encodeURIComponent(id)}/status`, {
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, type: response.headers.get("content-type"), body: await response.text() };
}

let failures = 0;
let identical = 0;
for (const id of ids) {
  const started = Date.now();
  const [a, b] = await Promise.all([get(ours, id), get(peer, id)]);
  let verdict;
  if (a.status !== b.status) {
    verdict = `DIFFERENT status: ours ${a.status}, JS ${b.status}\n  ours: ${a.body.slice(0, 300)}\n  JS:   ${b.body.slice(0, 300)}`;
  } else if (a.status !== 200) {
    verdict = `same status ${a.status} (bodies not compared)`;
  } else {
    const na = normalized(a.body, started);
    const nb = normalized(b.body, started);
    if (na.body === nb.body) {
      verdict = `identical, ${a.body.length} bytes${na.now ? " (lastUpdated = now on both, ignored)" : ""}`;
      identical++;
    } else {
      let at = 0;
      while (at < na.body.length && na.body[at] === nb.body[at]) at++;
      verdict =
        `DIFFERENT body (first difference at byte ${at})\n` +
        `  ours: …${na.body.slice(Math.max(0, at - 60), at + 120)}\n` +
        `  JS:   …${nb.body.slice(Math.max(0, at - 60), at + 120)}`;
    }
  }
  if (verdict.startsWith("DIFFERENT")) failures++;
  console.log(`${JSON.stringify(id)}: ${verdict}`);
}
console.log(`${identical} identical 200 bodies, ${failures} difference(s) over ${ids.length} ids`);
process.exit(failures ? 1 : 0);
