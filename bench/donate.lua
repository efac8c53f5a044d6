-- wrk script: every request POSTs /donate as a different new donor.
--
-- Arguments `-- SESSIONS_FILE`: lines "cookie<TAB>csrf token", one per donor
-- session made before the run. Each request takes the next line, round robin,
-- and sends that session's cookie as it was first given (with no open
-- donation in it), so every request starts a new donation and its
-- PaymentIntent. done() and setup() are bench/wrk.lua's.

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "wrk.lua")

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
