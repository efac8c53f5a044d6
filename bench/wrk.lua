-- The wrk script behind every run of bench/run.py.
--
-- done() prints the figures as one JSON line (latencies in microseconds).
-- With arguments `-- EVENTS_FILE THREADS`, each request instead POSTs the next
-- pre-signed Stripe webhook from EVENTS_FILE (lines "signature<TAB>body", one
-- per pending donation), so every request counts a different donation; a
-- thread that runs out stops rather than repeat an event.

local events = nil
local next_index = 1
local stride = 1

function init(args)
  if args[1] == nil then
    return
  end
  events = {}
  for line in io.lines(args[1]) do
    local signature, body = line:match("^([^\t]+)\t(.+)$")
    if signature then
      events[#events + 1] = { signature, body }
    end
  end
  stride = tonumber(args[2]) or 1
  next_index = (tonumber(id) or 0) + 1  -- `id` is set per thread by setup()
end

local thread_count = 0

function setup(thread)
  thread:set("id", thread_count)
  thread_count = thread_count + 1
end

function request()
  if events == nil then
    return wrk.request()
  end
  local event = events[next_index]
  if event == nil then
    wrk.thread:stop()
    event = events[#events] -- answered "duplicate", and not counted by the server
  end
  next_index = next_index + stride
  return wrk.format("POST", "/stripe/webhook", {
    ["Content-Type"] = "application/json",
    ["Stripe-Signature"] = event[1],
  }, event[2])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"bytes":%d,"connect_errors":%d,"read_errors":%d,'
      .. '"write_errors":%d,"status_errors":%d,"timeouts":%d,'
      .. '"p50_us":%d,"p90_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.mean, latency.max
  ))
end
