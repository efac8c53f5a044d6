-- wrk script: every request POSTs /donate as a different new donor.
--
-- Arguments `-- SESSIONS_FILE`: lines "cookie<TAB>csrf token", one per donor
-- session made before the run. Each request takes the next line, round robin,
-- and sends that session's cookie as it was first given (with no open
-- donation in it), so every request starts a new donation and its
-- PaymentIntent. done() prints the figures as bench/wrk.lua does.

local sessions = {}
local next_index = 1

function init(args)
  for line in io.lines(args[1]) do
    local cookie, token = line:match("^([^\t]+)\t(.+)$")
    if cookie then
      sessions[#sessions + 1] = { cookie, token }
    end
  end
  next_index = (tonumber(id) or 0) * 7919 % #sessions + 1
end

local thread_count = 0

function setup(thread)
  thread:set("id", thread_count)
  thread_count = thread_count + 1
end

function request()
  local s = sessions[next_index]
  next_index = next_index % #sessions + 1
  return wrk.format("POST", "/donate", {
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json",
    ["Cookie"] = s[1],
    ["X-CSRFToken"] = s[2],
  }, '{"amount": "5"}')
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
