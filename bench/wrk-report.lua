-- wrk script for scripts/bench.sh: times every request itself, tallies
-- response statuses and `x-cache` values, optionally cycles through many
-- session ids, and prints one machine-readable line:
--
--   BENCH_JSON {"requests":..,"rps":..,"p50_ms":..,"p99_ms":..,"codes":{..},"xcache":{..},...}
--
-- Run it with one connection per thread (wrk -tN -cN): each thread's Lua
-- state then sees request(), response(), request(), ... of one connection,
-- so the time between them is that request's latency. (wrk 4.1.0's own
-- latency statistics, as packaged by Debian, are not usable here: on one
-- connection they report a mean several times the interval between
-- requests, which cannot be; `in_flight` below, rps × mean latency, checks
-- that these numbers add up to the connection count.)
--
-- Arguments (after `--`): [ID_PREFIX COUNT] — request
-- /api/workflow/ID_PREFIX-<i>/status for i = 0..COUNT-1 round-robin, each
-- thread starting at a different offset. Without them the URL given to wrk
-- is requested unchanged.
--
-- Environment: BENCH_AUTH_TOKEN, when set and not empty, is sent on every
-- request as `Authorization: Bearer <token>` (scripts/bench.sh sets it for
-- the fixtures-cache-auth scenario only).

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local ts = ffi.new("bench_timespec")
local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
  return tonumber(ts.tv_sec) * 1e6 + tonumber(ts.tv_nsec) / 1e3
end

local auth_token = os.getenv("BENCH_AUTH_TOKEN")
if auth_token ~= nil and auth_token ~= "" then
  -- wrk.request() and wrk.format() both send wrk.headers.
  wrk.headers["Authorization"] = "Bearer " .. auth_token
end

local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("id", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

local prefix, count, next_index, started

function init(args)
  codes = {}
  xcache = {}
  latencies = {}
  prefix = args[1]
  count = tonumber(args[2] or "0")
  next_index = (id or 0) * 7919
end

function request()
  started = now_us()
  if prefix == nil or count == 0 then
    return wrk.request()
  end
  local path = string.format("/api/workflow/%s-%d/status", prefix, next_index % count)
  next_index = next_index + 1
  return wrk.format("GET", path)
end

function response(status, headers, body)
  if started ~= nil then
    latencies[#latencies + 1] = now_us() - started
    started = nil
  end
  local key = tostring(status)
  codes[key] = (codes[key] or 0) + 1
  local x = "-"
  for name, value in pairs(headers) do
    if string.lower(name) == "x-cache" then x = value end
  end
  xcache[x] = (xcache[x] or 0) + 1
end

local function json_counts(t)
  local parts = {}
  for k, v in pairs(t) do
    table.insert(parts, string.format("%q:%d", k, v))
  end
  table.sort(parts)
  return "{" .. table.concat(parts, ",") .. "}"
end

function done(summary, latency, requests)
  local all_codes, all_xcache, all = {}, {}, {}
  for _, thread in ipairs(threads) do
    for k, v in pairs(thread:get("codes") or {}) do all_codes[k] = (all_codes[k] or 0) + v end
    for k, v in pairs(thread:get("xcache") or {}) do all_xcache[k] = (all_xcache[k] or 0) + v end
    for _, v in ipairs(thread:get("latencies") or {}) do all[#all + 1] = v end
  end
  table.sort(all)
  local sum = 0
  for _, v in ipairs(all) do sum = sum + v end
  local n = math.max(#all, 1)
  local function pct(q)
    if #all == 0 then return 0 end
    return all[math.max(1, math.ceil(#all * q))] / 1000
  end
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"timed":%d,"duration_s":%.3f,"rps":%.1f,"mean_ms":%.3f,' ..
    '"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,"in_flight":%.2f,' ..
    '"socket_errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},"non_2xx_3xx":%d,' ..
    '"codes":%s,"xcache":%s}\n',
    summary.requests, #all, seconds, summary.requests / seconds, sum / n / 1000,
    pct(0.50), pct(0.90), pct(0.99), pct(1.0), (sum / 1e6) / seconds,
    e.connect, e.read, e.write, e.timeout, e.status,
    json_counts(all_codes), json_counts(all_xcache)))
end
