-- wrk script for bench/submissions.py: POST a submission with a fresh Idempotency-Key per request.
--
--   wrk -t N -c N -d SECONDS+margin -s bench/submissions.lua URL -- BODIES SECONDS NONCE
--
-- One connection per thread and no pipelining, so each response answers the thread's last request.
-- BODIES is a file with one JSON body per line, used in turn. After SECONDS a thread stops posting and
-- sends cheap GETs of an unknown API path until wrk's -d runs out. It cannot simply stop: gunicorn's
-- sync workers block on an open, silent connection, which would hold up other threads' last posts. So
-- no post is ever left in flight, every post is answered, and the 201s can be checked against the rows
-- in the database. Rate and latency are computed here, over the posts only.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local clock = ffi.new("bench_timespec")

local function now()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) + tonumber(clock.tv_nsec) * 1e-9
end

local threads = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

function init(args)
  bodies = {}
  for line in io.lines(args[1]) do
    if #line > 0 then bodies[#bodies + 1] = line end
  end
  seconds = tonumber(args[2])
  nonce = args[3]
  sent, created, other = 0, 0, 0
  first, last, deadline, started = 0, 0, nil, nil
  latencies = {}
  -- wrk calls request() once in thread 0 before the run, to check the request it makes.
  verified = index ~= 0
  idle = wrk.format("GET", "/api/v1/bench-idle")
  math.randomseed(os.time() + 7919 * index)
end

function request()
  if not verified then
    verified = true
    return idle
  end
  local t = now()
  if deadline == nil then
    first = t
    deadline = t + seconds
  end
  if t >= deadline then
    started = nil
    return idle
  end
  started = t
  sent = sent + 1
  -- Shaped like a UUID4; the nonce, thread index and counter make it unique within a run.
  local key = string.format("%s-%04x-4%03x-%04x-%012x", nonce, index, math.random(0, 0xfff),
    0x8000 + math.random(0, 0x3fff), sent)
  local headers = { ["Content-Type"] = "application/json", ["Idempotency-Key"] = key }
  return wrk.format("POST", nil, headers, bodies[(sent % #bodies) + 1])
end

function response(status, headers, body)
  if started == nil then return end
  last = now()
  latencies[#latencies + 1] = last - started
  started = nil
  if status == 201 then
    created = created + 1
  else
    other = other + 1
    if other <= 3 then io.stderr:write("status ", status, ": ", body, "\n") end
  end
end

local function percentile(sorted, p)
  if #sorted == 0 then return 0 end
  return sorted[math.max(1, math.ceil(#sorted * p / 100))]
end

function done(summary, latency, requests)
  local total = { sent = 0, created = 0, other = 0, first = math.huge, last = 0 }
  local all = {}
  for _, thread in ipairs(threads) do
    total.sent = total.sent + thread:get("sent")
    total.created = total.created + thread:get("created")
    total.other = total.other + thread:get("other")
    total.first = math.min(total.first, thread:get("first"))
    total.last = math.max(total.last, thread:get("last"))
    for _, value in ipairs(thread:get("latencies")) do all[#all + 1] = value end
  end
  table.sort(all)
  local sum = 0
  for _, value in ipairs(all) do sum = sum + value end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"sent": %d, "created": %d, "other": %d, "answered": %d, "seconds": %.6f, ' ..
    '"p50_ms": %.3f, "p90_ms": %.3f, "p99_ms": %.3f, "mean_ms": %.3f, "max_ms": %.3f, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}}\n',
    total.sent, total.created, total.other, #all, total.last - total.first,
    1000 * percentile(all, 50), 1000 * percentile(all, 90), 1000 * percentile(all, 99),
    #all > 0 and 1000 * sum / #all or 0, 1000 * (all[#all] or 0),
    e.connect, e.read, e.write, e.timeout))
end
