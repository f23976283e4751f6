-- wrk script: each request hands in a different open quiz round as the member it belongs to.
-- $ROUNDS_FILE has one line per round, "id token" (the member's API token); each of the
-- $THREADS threads takes every n-th line, so no round is sent twice. When the lines run out,
-- later requests repeat rounds and get 409s, which wrk reports as non-2xx: size ROUNDS above
-- rate × duration.
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

function init(args)
  lines = {}
  for l in io.lines(os.getenv("ROUNDS_FILE")) do table.insert(lines, l) end
  step = tonumber(os.getenv("THREADS"))
  body = os.getenv("BODY")
  i = tid
end

function request()
  local l = lines[(i % #lines) + 1]
  i = i + step
  local id, token = l:match("(%S+) (%S+)")
  return wrk.format("POST", "/api/v1/quizzes/" .. id .. "/submit",
    {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}, body)
end
