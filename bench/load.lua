-- wrk script for bench/load.sh: a mix of what a site behind the gateway sees.
-- 70% pages (the 60 KB demo page, rewritten with the banner), 20% assets (a banner asset
-- and an image from the origin, passed through), 10% consent posts (each written durably
-- before its answer). Any status other than 2xx or 303 counts as an error.
local asset = os.getenv("LOAD_ASSET") or "/robots.txt"
local image = os.getenv("LOAD_IMAGE") or "/robots.txt"
local counter = 0
local errors = 0
-- Consent posts answered 200 with a consent id (durable before the answer), per thread.
acked = 0
local threads = {}

setup = function(thread)
  table.insert(threads, thread)
end

request = function()
  counter = counter + 1
  local pick = counter % 10
  if pick == 0 then
    return wrk.format("POST", "/__consentry/consent",
      { ["Content-Type"] = "application/json", ["Origin"] = "http://" .. wrk.host .. ":" .. wrk.port },
      '{"action":"accept_all"}')
  elseif pick == 1 then
    return wrk.format("GET", asset)
  elseif pick == 2 then
    return wrk.format("GET", image)
  else
    return wrk.format("GET", "/", { ["Accept-Encoding"] = "gzip" })
  end
end

response = function(status, headers, body)
  if status >= 400 then
    errors = errors + 1
  elseif status == 200 and body and string.find(body, '"consent_id"', 1, true) then
    acked = acked + 1
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  local total_acked = 0
  for _, thread in ipairs(threads) do
    total_acked = total_acked + (thread:get("acked") or 0)
  end
  io.write(string.format("ACKED %d\n", total_acked))
  io.write(string.format("LOAD requests=%d seconds=%.1f rate=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f connect_errors=%d read_errors=%d write_errors=%d timeouts=%d status_errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.timeout, e.status))
end
