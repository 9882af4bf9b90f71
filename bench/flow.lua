-- wrk script for bench/submissions.py --flows: a phone's whole visit, over and over.
--
--   wrk -t N -c N -d SECONDS+margin -s bench/flow.lua URL -- FORMS SECONDS NONCE
--
-- One flow is what a phone does after scanning a poster: GET /s/<code> (the form, a CSRF token in a
-- session cookie), POST the answers with that token and cookie (answered with a redirect), and GET the
-- thank-you page it leads to. FORMS is a file with one line per form to send: the link code, a tab, and
-- the answers as an urlencoded form body. One connection per thread and no pipelining. After SECONDS a
-- thread finishes the flow it is in, then sends cheap GETs of an unknown API path until wrk's -d runs
-- out (see submissions.lua for why it cannot simply stop). Rate and latency are over whole flows.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
]]
local clock = ffi.new("bench_timespec")

local function now()
  ffi.C.clock_gettime(1, clock)
  return tonumber(clock.tv_sec) + tonumber(clock.tv_nsec) * 1e-9
end

local threads = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

function init(args)
  forms = {}
  for line in io.lines(args[1]) do
    local code, body = line:match("^([^\t]+)\t(.*)$")
    if code then forms[#forms + 1] = { code = code, body = body } end
  end
  seconds = tonumber(args[2])
  sent, created, posted, other = 0, 0, 0, 0
  first, last, deadline = 0, 0, nil
  step, started, form, token, key, cookie, thanks = 0, nil, nil, nil, nil, nil, nil
  latencies = {}
  verified = index ~= 0
  idle = wrk.format("GET", "/api/v1/bench-idle")
end

local function escape(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function request()
  if not verified then
    verified = true
    return idle
  end
  if step == 1 then
    local body = "csrf_token=" .. escape(token) .. "&lang=nb&submission_key=" .. key .. "&website=&" .. form.body
    return wrk.format("POST", "/s/" .. form.code, {
      ["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = cookie }, body)
  end
  if step == 2 then
    return wrk.format("GET", thanks, { ["Cookie"] = cookie })
  end
  local t = now()
  if deadline == nil then
    first = t
    deadline = t + seconds
  end
  if t >= deadline then
    return idle
  end
  started = t
  sent = sent + 1
  form = forms[(sent % #forms) + 1]
  step = 0
  return wrk.format("GET", "/s/" .. form.code)
end

local function header(headers, name)
  return headers[name] or headers[name:lower()]
end

local function fail(status, body)
  other = other + 1
  if other <= 3 then io.stderr:write("step ", step, " status ", status, ": ", body:sub(1, 300), "\n") end
  step, started = 0, nil
end

function response(status, headers, body)
  if started == nil then return end
  if step == 0 then
    token = body:match('name="csrf_token" type="hidden" value="([^"]+)"') or body:match('id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"')
    key = body:match('name="submission_key" value="([^"]+)"')
    local set = header(headers, "Set-Cookie")
    if status ~= 200 or not token or not key or not set then return fail(status, body) end
    cookie = set:match("^([^;]+)")
    step = 1
  elseif step == 1 then
    local location = header(headers, "Location")
    if status ~= 302 or not location then return fail(status, body) end
    posted = posted + 1
    thanks = location:gsub("^https?://[^/]+", "")
    step = 2
  else
    if status ~= 200 then return fail(status, body) end
    last = now()
    latencies[#latencies + 1] = last - started
    created = created + 1
    step, started = 0, nil
  end
end

local function percentile(sorted, p)
  if #sorted == 0 then return 0 end
  return sorted[math.max(1, math.ceil(#sorted * p / 100))]
end

function done(summary, latency, requests)
  local total = { sent = 0, created = 0, posted = 0, other = 0, first = math.huge, last = 0 }
  local all = {}
  for _, thread in ipairs(threads) do
    for _, name in ipairs({ "sent", "created", "posted", "other" }) do
      total[name] = total[name] + thread:get(name)
    end
    total.first = math.min(total.first, thread:get("first"))
    total.last = math.max(total.last, thread:get("last"))
    for _, value in ipairs(thread:get("latencies")) do all[#all + 1] = value end
  end
  table.sort(all)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"sent": %d, "created": %d, "posted": %d, "other": %d, "answered": %d, "seconds": %.6f, ' ..
    '"p50_ms": %.3f, "p99_ms": %.3f, "errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}}\n',
    total.sent, total.created, total.posted, total.other, #all, total.last - total.first,
    1000 * percentile(all, 50), 1000 * percentile(all, 99), e.connect, e.read, e.write, e.timeout))
end
