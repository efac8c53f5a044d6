-- wrk script: every request POSTs /donate as a different new donor.
--
-- Arguments `-- SESSIONS_FILE [REFERER]`: lines "cookie<TAB>csrf token", one per
-- donor session made before the run, and the page a browser would name as its
-- Referer (over HTTPS the app's CSRF check wants one: the burst through nginx).
-- Each request takes the next line, round robin, and sends that session's cookie
-- as it was first given (with no open donation in it), so every request starts a
-- new donation and its PaymentIntent. done() and setup() are bench/wrk.lua's.

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "wrk.lua")

local sessions = {}
local next_index = 1
local referer = nil

function init(args)
  for line in io.lines(args[1]) do
    local cookie, token = line:match("^([^\t]+)\t(.+)$")
    if cookie then
      sessions[#sessions + 1] = { cookie, token }
    end
  end
  next_index = (tonumber(id) or 0) * 7919 % #sessions + 1
  referer = args[2]
end

function request()
  local s = sessions[next_index]
  next_index = next_index % #sessions + 1
  local headers = {
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json",
    ["Cookie"] = s[1],
    ["X-CSRFToken"] = s[2],
  }
  if referer then
    headers["Referer"] = referer
  end
  return wrk.format("POST", "/donate", headers, '{"amount": "5"}')
end
