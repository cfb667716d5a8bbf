-- wrk script for bench/load/run. The scenario comes from the environment:
--   LOAD_METHOD, LOAD_PATH          the request line (default GET /)
--   LOAD_HEADERS                    extra headers, "Name: value" separated by "\n"
--   LOAD_BODY, LOAD_CONTENT_TYPE    a fixed body
--   LOAD_TOKENS                     a file of bearer tokens, one a line: each request sends the next one
--   LOAD_LOGINS                     a number n of accounts load-<i>@bench.test (i < n), password
--                                   LOAD_PASSWORD: each request logs the next one in (JSON body)
--   LOAD_REFRESH                    a file of refresh tokens, one per thread (run with -c equal to -t,
--                                   so that each thread has one connection): each request spends the
--                                   thread's token and keeps the one the answer carries
-- Every run prints "statuses: <code>=<count> ..." so that refusals cannot pass for throughput.

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
  local file = os.getenv("LOAD_REFRESH")
  if file then
    local i = 0
    for line in io.lines(file) do
      i = i + 1
      if i == counter then thread:set("refresh", line) end
    end
  end
end

local method = os.getenv("LOAD_METHOD") or "GET"
local path = os.getenv("LOAD_PATH") or "/"
local headers = {}
for line in (os.getenv("LOAD_HEADERS") or ""):gmatch("[^\n]+") do
  local name, value = line:match("^([^:]+):%s*(.*)$")
  headers[name] = value
end
local body = os.getenv("LOAD_BODY")
if os.getenv("LOAD_CONTENT_TYPE") then headers["Content-Type"] = os.getenv("LOAD_CONTENT_TYPE") end

local tokens = {}
local logins = tonumber(os.getenv("LOAD_LOGINS") or "0")
local password = os.getenv("LOAD_PASSWORD") or ""
local next_index = 0
statuses = {}

function init(args)
  local file = os.getenv("LOAD_TOKENS")
  if file then
    for line in io.lines(file) do tokens[#tokens + 1] = line end
  end
  -- Threads start at different places, so that they do not send the same token at the same moment.
  next_index = (id or 1) * 7919
end

function request()
  next_index = next_index + 1
  if #tokens > 0 then
    headers["Authorization"] = "Bearer " .. tokens[next_index % #tokens + 1]
  elseif logins > 0 then
    body = string.format('{"email":"load-%d@bench.test","password":"%s"}', next_index % logins, password)
  elseif refresh then
    body = "grant_type=refresh_token&refresh_token=" .. refresh
  end
  return wrk.format(method, path, headers, body)
end

function response(status, response_headers, response_body)
  statuses[status] = (statuses[status] or 0) + 1
  if refresh and status == 200 then
    refresh = response_body:match('"refresh_token":"([^"]+)"') or refresh
  end
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for code, count in pairs(thread:get("statuses")) do
      total[code] = (total[code] or 0) + count
    end
  end
  local parts = {}
  for code, count in pairs(total) do parts[#parts + 1] = code .. "=" .. count end
  table.sort(parts)
  io.write("statuses: " .. table.concat(parts, " ") .. "\n")
end
