// The JS peer: the same job as our Worker, written the way a Workers team
// would write it in JavaScript, for scripts/bench.sh to measure side by side
// (issue 12). GET /api/workflow/{id}/status → an aws4fetch-signed DynamoDB
// GetItem → the status document, transformed by hand. No cache, no retries,
// no coalescing: one GetItem per request. Failures answer 500 {"detail": ...}.
//
// Bindings (bench/workerd.capnp): DYNAMODB_ENDPOINT, AWS_REGION,
// DYNAMODB_PROCESSING_STATUS_TABLE, STATUS_KEY_ATTRIBUTE, AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, optional AWS_SESSION_TOKEN, DYNAMODB_CONSISTENT_READ.
//
// The document must be byte-identical to our Worker's (src/transform.rs,
// src/document.rs): the bench compares them before the load. Numbers are
// handled as DynamoDB text, so durations and token totals of any size come
// out with every digit, as ours does.
//
// Bundled with esbuild (aws4fetch from node_modules) into one module at bench
// time: scripts/bench.sh.
import { AwsClient } from "aws4fetch";

const AGENT_KEYS = ["pdfAdapter", "tradeExtraction", "tradeMatching", "exceptionManagement"];
const PENDING_ACTIVITIES = [
  "Waiting for upload",
  "Waiting for PDF processing",
  "Waiting for extraction",
  "No exceptions",
];
const JSON_HEADERS = { "content-type": "application/json" };

let client; // one AwsClient per isolate (it caches derived signing keys)
function aws(env) {
  client ??= new AwsClient({
    accessKeyId: env.AWS_ACCESS_KEY_ID,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    sessionToken: env.AWS_SESSION_TOKEN || undefined,
    service: "dynamodb",
    region: env.AWS_REGION || "us-east-1",
    retries: 0,
  });
  return client;
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const match = /^\/api\/workflow\/([^/]+)\/status$/.exec(url.pathname);
    if (!match) return json(404, { detail: "Not Found" });
    let id;
    try {
      id = decodeURIComponent(match[1]);
    } catch {
      return json(400, { detail: "Invalid session id" });
    }
    if (id.includes("/")) return json(404, { detail: "Not Found" });
    try {
      const item = await getItem(env, id);
      const body = item ? fromItem(id, item) : pendingDefault(id);
      return new Response(body, { headers: JSON_HEADERS });
    } catch (error) {
      console.error(`status ${id}: ${error.message}`);
      return json(500, { detail: error.message });
    }
  },
};

function json(status, value) {
  return new Response(JSON.stringify(value), { status, headers: JSON_HEADERS });
}

async function getItem(env, id) {
  const endpoint = env.DYNAMODB_ENDPOINT || `https://dynamodb.${env.AWS_REGION}.amazonaws.com`;
  const body = {
    TableName: env.DYNAMODB_PROCESSING_STATUS_TABLE,
    Key: { [env.STATUS_KEY_ATTRIBUTE || "processing_id"]: { S: id } },
  };
  if (env.DYNAMODB_CONSISTENT_READ === "true") body.ConsistentRead = true;
  const response = await aws(env).fetch(`${endpoint.replace(/\/$/, "")}/`, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.0",
      "x-amz-target": "DynamoDB_20120810.GetItem",
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`DynamoDB GetItem failed: HTTP ${response.status} ${text.slice(0, 200)}`);
  }
  return JSON.parse(text).Item;
}

// --- transform (contract sections 3 and 4) ---------------------------------

function fromItem(id, item) {
  const agents = {};
  for (const key of AGENT_KEYS) agents[key] = agent(item, key);
  const overall = item.overallStatus;
  const updated = item.lastUpdated;
  return document(
    id,
    agents,
    overall === undefined ? "unknown" : s(overall, "overallStatus"),
    updated === undefined ? new Date().toISOString() : repair(s(updated, "lastUpdated")),
  );
}

function pendingDefault(id) {
  const agents = {};
  AGENT_KEYS.forEach((key, i) => {
    agents[key] = {
      status: "pending",
      activity: PENDING_ACTIVITIES[i],
      startedAt: null,
      completedAt: null,
      duration: null,
      error: null,
    };
  });
  return document(id, agents, "pending", new Date().toISOString());
}

// JSON.stringify escapes strings exactly as serde_json does (", \, control
// characters; \uXXXX in lower-case hex); durations are written as their digit
// text, which JSON.stringify cannot do for integers past 2^53.
function document(id, agents, overallStatus, lastUpdated) {
  let out = `{"sessionId":${JSON.stringify(id)},"agents":{`;
  AGENT_KEYS.forEach((key, i) => {
    const a = agents[key];
    out +=
      `${i ? "," : ""}"${key}":{"status":${JSON.stringify(a.status)},` +
      `"activity":${JSON.stringify(a.activity)},"startedAt":${JSON.stringify(a.startedAt)},` +
      `"completedAt":${JSON.stringify(a.completedAt)},"duration":${a.duration ?? "null"},` +
      `"error":${JSON.stringify(a.error)},"subSteps":[]}`;
  });
  return `${out}},"overallStatus":${JSON.stringify(overallStatus)},"lastUpdated":${JSON.stringify(lastUpdated)}}`;
}

function agent(item, key) {
  const value = item[key];
  let fields = {};
  if (value !== undefined) {
    if (!value.M) throw malformed(key, value, "M");
    fields = value.M;
  }
  const status = fields.status === undefined ? "pending" : s(fields.status, `${key}.status`);
  let activity = fields.activity === undefined ? "" : sOrNull(fields.activity, `${key}.activity`);
  const startedAt = timestamp(fields.startedAt, `${key}.startedAt`);
  const completedAt = timestamp(fields.completedAt, `${key}.completedAt`);
  const duration = durationOf(fields.duration, `${key}.duration`);
  const error = fields.error === undefined ? null : sOrNull(fields.error, `${key}.error`);
  const tokens = totalTokens(fields.tokenUsage, `${key}.tokenUsage`);
  if (activity && tokens !== null) activity = `${activity} (Tokens: ${tokens})`;
  return { status, activity, startedAt, completedAt, duration, error };
}

function s(value, path) {
  if (typeof value.S === "string") return value.S;
  throw malformed(path, value, "S");
}

function sOrNull(value, path) {
  if (value.NULL) return null;
  return s(value, path);
}

function timestamp(value, path) {
  if (value === undefined || value.NULL) return null;
  return repair(s(value, path));
}

// The original writer appended Z to an offset: "…+00:00Z" → "…Z".
function repair(text) {
  return text.endsWith("+00:00Z") ? `${text.slice(0, -7)}Z` : text;
}

function durationOf(value, path) {
  if (value === undefined || value.NULL) return null;
  if (typeof value.N === "string") {
    const number = decimal(value.N, path);
    if (number.zero) return null;
    if (!number.integer) return "0";
    return number.negative ? `-${number.integer}` : number.integer;
  }
  if (typeof value.S === "string") {
    if (value.S === "") return null;
    const literal = /^([+-]?)(\d+)$/.exec(value.S.trim());
    if (!literal) throw malformed(path, value, "an integer literal");
    const digits = literal[2].replace(/^0+/, "");
    if (!digits) return "0";
    return literal[1] === "-" ? `-${digits}` : digits;
  }
  throw malformed(path, value, "N, S or NULL");
}

// tokenUsage.totalTokens, grouped with commas, when it is a positive number.
function totalTokens(value, path) {
  if (value === undefined || value.NULL) return null;
  if (!value.M) throw malformed(path, value, "M or NULL");
  const total = value.M.totalTokens;
  if (total === undefined) return null;
  if (typeof total.N !== "string") throw malformed(`${path}.totalTokens`, total, "N");
  const number = decimal(total.N, `${path}.totalTokens`);
  if (number.negative || number.zero) return null;
  const grouped = (number.integer || "0").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return number.fraction ? `${grouped}.${number.fraction}` : grouped;
}

// A DynamoDB number as digit text: sign, integer digits without leading
// zeros, fraction digits as written (trailing zeros kept), exponent applied.
function decimal(text, path) {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m || (!m[2] && !m[3])) throw new Error(`malformed status item: ${path} is N ${JSON.stringify(text)}`);
  let digits = m[2] + (m[3] ?? "");
  const zero = !/[1-9]/.test(digits);
  let point = zero ? Math.min(Math.max(m[2].length, 0), digits.length) : m[2].length + Number(m[4] ?? 0);
  if (point < 0) {
    digits = "0".repeat(-point) + digits;
    point = 0;
  }
  if (point > digits.length) digits += "0".repeat(point - digits.length);
  return {
    negative: m[1] === "-",
    zero,
    integer: digits.slice(0, point).replace(/^0+/, ""),
    fraction: digits.slice(point),
  };
}

function malformed(path, value, expected) {
  const found = Object.keys(value)[0] ?? "nothing";
  return new Error(`malformed status item: ${path} is ${found}, expected ${expected}`);
}
