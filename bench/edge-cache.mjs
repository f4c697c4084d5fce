// A minimal in-memory backing store for the Workers Cache API under bare
// `workerd serve` (bench only).
//
// workerd turns `caches.default.match/put/delete` into HTTP requests to the
// Worker's `cacheApiOutbound` service (see workerd.capnp); without one, the
// Cache API has nothing behind it. This speaks the same protocol as
// miniflare's cache service (node_modules/miniflare/dist/src/workers/cache/
// cache.worker.js), kept in a Map instead of a Durable Object + SQLite:
//
//   GET   <key url>  match: 200 + stored headers + `cf-cache-status: HIT`,
//                    or 504 + `cf-cache-status: MISS`
//   PUT   <key url>  put: the body is the response serialized as HTTP/1.1
//                    ("HTTP/1.1 200 OK\r\nheaders\r\n\r\nbody"); stored for
//                    `s-maxage`/`max-age` seconds; 204, or 413 if not storable
//   PURGE <key url>  delete: 200, or 404 when absent
//
// Not implemented (not used by the Worker): Vary, Range, conditional
// requests, size limits. `GET http://<any>/__stats` (a request whose URL is
// not a cache key reaching it through its own socket) reports counters.

const entries = new Map(); // key -> { status, headers: [[k, v]], body: Uint8Array, expires: ms }
const stats = { match: 0, hit: 0, miss: 0, put: 0, stored: 0, purge: 0 };

const CRLF2 = [13, 10, 13, 10];

function indexOfBlankLine(bytes) {
  outer: for (let i = 0; i + 3 < bytes.length; i++) {
    for (let j = 0; j < 4; j++) if (bytes[i + j] !== CRLF2[j]) continue outer;
    return i;
  }
  return -1;
}

function dechunk(bytes) {
  const out = [];
  let i = 0;
  const text = new TextDecoder();
  for (;;) {
    let eol = i;
    while (eol + 1 < bytes.length && !(bytes[eol] === 13 && bytes[eol + 1] === 10)) eol++;
    const size = parseInt(text.decode(bytes.subarray(i, eol)).split(";")[0], 16);
    if (!(size > 0)) break;
    out.push(bytes.subarray(eol + 2, eol + 2 + size));
    i = eol + 2 + size + 2;
  }
  const total = out.reduce((n, c) => n + c.length, 0);
  const body = new Uint8Array(total);
  let at = 0;
  for (const c of out) {
    body.set(c, at);
    at += c.length;
  }
  return body;
}

function parseSerializedResponse(bytes) {
  const blank = indexOfBlankLine(bytes);
  if (blank < 0) throw new Error("no blank line in serialized response");
  const [statusLine, ...lines] = new TextDecoder().decode(bytes.subarray(0, blank)).split("\r\n");
  const status = parseInt(statusLine.split(" ")[1], 10);
  const headers = lines.map((line) => {
    const at = line.indexOf(":");
    return [line.slice(0, at).trim().toLowerCase(), line.slice(at + 1).trim()];
  });
  let body = bytes.subarray(blank + 4);
  if (headers.some(([k, v]) => k === "transfer-encoding" && /chunked/i.test(v))) body = dechunk(body);
  return { status, headers, body };
}

function ttlSeconds(headers) {
  const cc = headers.filter(([k]) => k === "cache-control").map(([, v]) => v.toLowerCase()).join(",");
  if (/(^|[\s,])(no-store|private)([\s,=]|$)/.test(cc)) return 0;
  const s = /s-maxage\s*=\s*(\d+)/.exec(cc) || /max-age\s*=\s*(\d+)/.exec(cc);
  return s ? parseInt(s[1], 10) : 0;
}

export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/__stats") {
      return Response.json({ ...stats, entries: entries.size });
    }
    const key = request.cf?.cacheKey ? String(request.cf.cacheKey) : request.url;
    switch (request.method) {
      case "GET": {
        stats.match++;
        const entry = entries.get(key);
        if (entry === undefined || entry.expires <= Date.now()) {
          if (entry !== undefined) entries.delete(key);
          stats.miss++;
          return new Response(null, { status: 504, headers: { "cf-cache-status": "MISS" } });
        }
        stats.hit++;
        const headers = new Headers(entry.headers);
        headers.set("cf-cache-status", "HIT");
        return new Response(entry.body, { status: entry.status, headers });
      }
      case "PUT": {
        stats.put++;
        const parsed = parseSerializedResponse(new Uint8Array(await request.arrayBuffer()));
        const ttl = ttlSeconds(parsed.headers);
        const headers = parsed.headers.filter(([k]) => k !== "transfer-encoding" && k !== "content-length");
        if (ttl <= 0 || parsed.headers.some(([k]) => k === "set-cookie")) {
          return new Response(null, { status: 413 });
        }
        entries.set(key, { status: parsed.status, headers, body: parsed.body, expires: Date.now() + ttl * 1000 });
        stats.stored++;
        return new Response(null, { status: 204 });
      }
      case "PURGE": {
        stats.purge++;
        return new Response(null, { status: entries.delete(key) ? 200 : 404 });
      }
      default:
        return new Response(null, { status: 405 });
    }
  },
};
