-- wrk script of the ossa-gateway benchmarks (bench/load/wrk.ts runs it).
--
-- Parameters come from the environment, so one script serves every scenario:
--   BENCH_WRK_BODY     the JSON body; "{{n}}" in it is replaced, per request, by a number unique
--                      in the whole run (nonce-thread-counter), so every request is a cache miss
--   BENCH_WRK_HEADERS  "name: value" lines
--   BENCH_WRK_NONCE    makes the numbers unique across the runs of one gateway process
--   BENCH_WRK_COUNT    "1": count 2xx / 429 / other statuses and X-Cache: HIT answers (this
--                      costs the load side a header table per response, so it is off by default)
-- done() prints one line, "BENCH_JSON {...}", with counts and latency percentiles in µs.

local body_template = os.getenv("BENCH_WRK_BODY") or ""
local header_lines = os.getenv("BENCH_WRK_HEADERS") or ""
local nonce = os.getenv("BENCH_WRK_NONCE") or "0"
local count = os.getenv("BENCH_WRK_COUNT") == "1"

wrk.method = "POST"
for name, value in string.gmatch(header_lines, "([^:\n]+):[ \t]*([^\n]*)") do
  wrk.headers[name] = value
end

local slot = string.find(body_template, "{{n}}", 1, true)

-- Runs in the main Lua state, once per thread, before the thread's own state starts.
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

if slot then
  -- A request() function makes wrk build every request anew; without one it sends a
  -- precomputed request, which is what the fixed-input scenarios want.
  local prefix = string.sub(body_template, 1, slot - 1)
  local suffix = string.sub(body_template, slot + 5)
  local counter = 0
  function request()
    counter = counter + 1
    return wrk.format(nil, nil, nil, prefix .. nonce .. "-" .. thread_id .. "-" .. counter .. suffix)
  end
else
  wrk.body = body_template
end

if count then
  status_2xx, status_429, status_other, cache_hits = 0, 0, 0, 0
  function response(status, headers, body)
    if status >= 200 and status < 300 then
      status_2xx = status_2xx + 1
    elseif status == 429 then
      status_429 = status_429 + 1
    else
      status_other = status_other + 1
    end
    if (headers["X-Cache"] or headers["x-cache"]) == "HIT" then
      cache_hits = cache_hits + 1
    end
  end
end

function done(summary, latency, requests)
  local s2xx, s429, sother, hits = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    s2xx = s2xx + (thread:get("status_2xx") or 0)
    s429 = s429 + (thread:get("status_429") or 0)
    sother = sother + (thread:get("status_other") or 0)
    hits = hits + (thread:get("cache_hits") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f},' ..
    '"counted":%s,"status_2xx":%d,"status_429":%d,"status_other":%d,"cache_hits":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    tostring(count), s2xx, s429, sother, hits))
end
