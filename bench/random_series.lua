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

-- Spellings of the same end (`to=2024` ends when `2024-12` does) and parameters given at their
-- default: with a page size above the 40 rows they keep the answer's bytes while making each URL
-- new, so no cache can answer it, even at 10,000 rows where there are only 63 series.
local ends = { "", "-12", "-Q4", "-q4", "-H2", "-h2", "-12M" }
local defaults = { "", "&sort=id", "&lang=en", "&format=json", "&sort=id&lang=en",
  "&sort=id&format=json", "&lang=en&format=json", "&sort=id&lang=en&format=json" }

request = function()
  local t = targets[math.random(#targets)]
  local year = to:match("^(%d%d%d%d)")
  local last = (to == year .. "-12") and (year .. ends[math.random(#ends)]) or to
  return wrk.format("GET", "/api/v1/observations?province=" .. t[1] .. "&indicator=" .. t[2]
    .. "&from=" .. from .. "&to=" .. last .. "&limit=" .. math.random(41, 1000)
    .. defaults[math.random(#defaults)])
end
