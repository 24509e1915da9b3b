-- wrk script for benchmarks/journey_bench.py: signed-in requests that rotate
-- over a list of prepared requests (one learner's cookies each).
--
-- Arguments, after wrk's own and "--":
--   1. requests file, one request a line, tab-separated:
--      METHOD  PATH  COOKIE-HEADER  CSRF-TOKEN (or "-")  FORM-BODY (or "-")
--   2. the status every response should have (200 for the page, 302 for the POST)
--   3. wrk's thread count: thread i sends lines i, i + threads, i + 2 * threads...
--      so the threads never send the same line at the same time.
--
-- POSTs carry the token in the X-CSRFToken header and the form body given
-- (application/x-www-form-urlencoded; "-" sends an empty one): for "mark
-- complete", disclosure=<proof>, the field the step page's form posts.
-- On top of wrk_report.lua's BENCH_JSON line it prints
--   JOURNEY_JSON {"unexpected":N,"login_redirects":N,"statuses":{"302":N,...}}
-- where "unexpected" counts responses whose status differs from argument 2 or
-- that redirect to the login page (a session the server did not accept).

local source = debug.getinfo(1, "S").source
local folder = source:match("^@(.*/)") or "./"
dofile(folder .. "wrk_report.lua")
local report_done = done

local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("id", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

function init(args)
  expected = tonumber(args[2])
  local stride = tonumber(args[3])
  local host = wrk.host .. ":" .. wrk.port
  prepared = {}
  local index = 0
  for line in io.lines(args[1]) do
    if index % stride == id then
      local method, path, cookie, token, form =
        line:match("^(%u+)\t(%S+)\t([^\t]*)\t(%S+)\t(%S+)$")
      if not method then
        error("wrk_journey.lua: malformed request line " .. (index + 1) .. " of " .. args[1])
      end
      local headers = { Host = host, Cookie = cookie }
      local body = nil
      if method == "POST" then
        headers["X-CSRFToken"] = token
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        body = form == "-" and "" or form
      end
      table.insert(prepared, wrk.format(method, path, headers, body))
    end
    index = index + 1
  end
  position = 0
  unexpected = 0
  login_redirects = 0
  statuses = {}
end

function request()
  position = position % #prepared + 1
  return prepared[position]
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  local location = headers["Location"] or headers["location"] or ""
  if location:find("/login/", 1, true) then
    login_redirects = login_redirects + 1
    unexpected = unexpected + 1
  elseif status ~= expected then
    unexpected = unexpected + 1
  end
end

done = function(summary, latency, requests)
  report_done(summary, latency, requests)
  local total_unexpected, total_login, totals = 0, 0, {}
  for _, thread in ipairs(threads) do
    total_unexpected = total_unexpected + (thread:get("unexpected") or 0)
    total_login = total_login + (thread:get("login_redirects") or 0)
    for status, count in pairs(thread:get("statuses") or {}) do
      totals[status] = (totals[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(totals) do
    table.insert(parts, string.format('"%s":%d', status, count))
  end
  io.write(string.format(
    'JOURNEY_JSON {"unexpected":%d,"login_redirects":%d,"statuses":{%s}}\n',
    total_unexpected,
    total_login,
    table.concat(parts, ",")
  ))
end
