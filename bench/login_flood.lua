-- wrk script for bench/login_flood.py: post wrong passwords to the staff sign-in as fast as answered.
--
--   wrk -t N -c N -d SECONDS -s bench/login_flood.lua URL -- COOKIE TOKEN MODE EMAIL
--
-- COOKIE and TOKEN come from one GET of /admin/login (a CSRF token is tied to its session cookie).
-- MODE "new" types a fresh e-mail address on every attempt, so no address is ever throttled and every
-- attempt needs a password hash (the worst case for the CPU); MODE "one" always types EMAIL, a real
-- account's address, so after a few failures the attempts are refused (429) before any hashing.
-- The script counts the answers by status; wrk's own figures say how many requests were sent.

local threads = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

function init(args)
  cookie, token, mode, email = args[1], args[2], args[3], args[4]
  counter = 0
  statuses = {}
end

function request()
  counter = counter + 1
  local address = email
  if mode == "new" then
    address = string.format("flood-%d-%d@example.no", index, counter)
  end
  local body = string.format("csrf_token=%s&email=%s&password=wrong-password-%d",
    token, address:gsub("@", "%%40"), counter)
  local headers = { ["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = cookie }
  return wrk.format("POST", "/admin/login", headers, body)
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(total) do
    parts[#parts + 1] = string.format('"%s": %d', status, n)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_FLOOD {"statuses": {%s}, "seconds": %.3f, "errors": %d}\n',
    table.concat(parts, ", "), summary.duration / 1e6, e.connect + e.read + e.write + e.timeout))
end
