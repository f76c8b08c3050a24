-- wrk script: a different province and indicator on every request (the "cold" series), from
-- the lists bench/run.sh writes to bench-targets.txt beside it (one "province indicator" a line).
local targets = {}
local path = os.getenv("BENCH_TARGETS") or "bench-targets.txt"
for line in io.lines(path) do
  local province, indicator = line:match("^(%S+) (%S+)$")
  if province then targets[#targets + 1] = { province, indicator } end
end
-- Each of wrk's threads runs this script in a Lua state of its own, and without a seed of its
-- own each draws the same "random" requests: every URL asked once per thread, so the second ask
-- could be answered from the cache. Each thread is seeded with its number.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end
function init(args)
  math.randomseed(thread_number or 0)
end

local from = os.getenv("BENCH_FROM") or "2021-09"
local to = os.getenv("BENCH_TO") or "2024-12"

-- Spellings of the same end (`to=2024` ends when `2024-12` does) and parameters given at their
-- default: with a page size above the 40 rows they keep the answer's bytes while making each URL
-- new, so no response cache can answer it, even at 10,000 rows where there are only 63 series.
-- (chiso answers it from the observations it holds in memory; bench/run.sh also measures it on
-- a server holding none, which reads the database.)
local ends = { "", "-12", "-Q4", "-q4", "-H2", "-h2", "-12M" }
local defaults = { "", "&sort=id", "&lang=en", "&format=json", "&sort=id&lang=en",
  "&sort=id&format=json", "&lang=en&format=json", "&sort=id&lang=en&format=json" }

-- BENCH_LATER_PAGE=N: a later page instead, after a random id from 1 to N (the cursor the API
-- would have issued, base64url of {"s":"id","k":id}): up to 40 rows, as deep into a series as
-- paging through it goes.
local later_page = tonumber(os.getenv("BENCH_LATER_PAGE") or "")
local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
local function base64url(s)
  local out = {}
  for i = 1, #s, 3 do
    local a, b, c = s:byte(i, i + 2)
    local n = a * 65536 + (b or 0) * 256 + (c or 0)
    for j = 1, (c and 4) or (b and 3) or 2 do
      local k = math.floor(n / 64 ^ (4 - j)) % 64
      out[#out + 1] = alphabet:sub(k + 1, k + 1)
    end
  end
  return table.concat(out)
end
local function cursor()
  if not later_page then return "" end
  return "&cursor=" .. base64url('{"s":"id","k":' .. math.random(1, later_page) .. '}')
end

request = function()
  local t = targets[math.random(#targets)]
  local year = to:match("^(%d%d%d%d)")
  local last = (to == year .. "-12") and (year .. ends[math.random(#ends)]) or to
  return wrk.format("GET", "/api/v1/observations?province=" .. t[1] .. "&indicator=" .. t[2]
    .. "&from=" .. from .. "&to=" .. last .. "&limit=" .. math.random(41, 1000)
    .. defaults[math.random(#defaults)] .. cursor())
end
