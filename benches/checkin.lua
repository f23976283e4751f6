-- wrk script for the check-in burst (benches/meetings.sh): every request is one invitee's first
-- check-in, with their own API token and the code of the current 30-s window.
-- Lines of $CHECKINS: the first window's number, then "token meeting code0 code1 …".
-- Each of the $WRK_THREADS threads takes every n-th line, so no invitee is used twice.
local lines, base = {}, nil
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  for l in io.lines(os.getenv("CHECKINS")) do
    if base == nil then base = tonumber(l) else table.insert(lines, l) end
  end
  i = id
  step = tonumber(os.getenv("WRK_THREADS") or "2")
end

function request()
  local l = lines[(i % #lines) + 1]
  i = i + step
  local f = {}
  for w in l:gmatch("%S+") do table.insert(f, w) end
  local code = f[3 + math.floor(os.time() / 30) - base]
  return wrk.format("POST", "/api/v1/meetings/" .. f[2] .. "/checkin",
    {["Authorization"] = "Bearer " .. f[1], ["Content-Type"] = "application/json"},
    '{"code":"' .. code .. '"}')
end
