-- wrk script: viewers polling at their own pace, as pages do, not as fast as
-- the server can answer.
--
-- Argument `-- PACE_MS`: each connection waits a random 0.5 to 1.5 x PACE_MS
-- (mean PACE_MS) after each answer before it polls again, so the offered rate
-- is about connections / PACE_MS whatever the server does, and a slow answer
-- is measured as slow instead of merely thinning the load (wrk alone keeps
-- every connection busy, and its latencies then measure its own queue).
-- done() and setup() are bench/wrk.lua's.

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "wrk.lua")

local pace_ms = 1000

function init(args)
  pace_ms = tonumber(args[1]) or pace_ms
  math.randomseed(os.time() + (tonumber(id) or 0))
end

function delay()
  return math.random(math.floor(pace_ms / 2), math.floor(pace_ms * 3 / 2))
end
