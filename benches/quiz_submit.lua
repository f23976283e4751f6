-- wrk script: each request hands in a different open quiz round (ids FIRST..LAST, split between
-- wrk's threads), with the same answers body. Rounds run out at LAST: later requests get 404s,
-- which wrk reports as non-2xx, so size LAST-FIRST above rate × duration.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  first = tonumber(os.getenv("FIRST"))
  step = tonumber(os.getenv("THREADS"))
  body = os.getenv("BODY")
  n = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  local id = first + tid + n * step
  n = n + 1
  return wrk.format(nil, "/api/v1/quizzes/" .. id .. "/submit", nil, body)
end
