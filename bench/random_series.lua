-- wrk script: a different province and indicator on every request (the "cold" series), from
-- the lists bench/run.sh writes to bench-targets.txt beside it (one "province indicator" a line).
local targets = {}
local path = os.getenv("BENCH_TARGETS") or "bench-targets.txt"
for line in io.lines(path) do
  local province, indicator = line:match("^(%S+) (%S+)$")
  if province then targets[#targets + 1] = { province, indicator } end
end
local from = os.getenv("BENCH_FROM") or "2021-09"
local to = os.getenv("BENCH_TO") or "2024-12"

request = function()
  local t = targets[math.random(#targets)]
  -- A page size above the 40 rows keeps the answer the same while making each URL new, so
  -- no cache can answer it.
  return wrk.format("GET", "/api/v1/observations?province=" .. t[1] .. "&indicator=" .. t[2]
    .. "&from=" .. from .. "&to=" .. to .. "&limit=" .. math.random(41, 1000))
end
