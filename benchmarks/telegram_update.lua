-- wrk script: signed Telegram updates with unique update_id and chat id per request.
-- usage: wrk -t2 -c32 -d10s -s benchmarks/telegram_update.lua http://127.0.0.1:8000/telegram/webhook
-- the secret is read from the environment variable BENCH_SECRET (default "bench-secret").
-- wrk's summary counts the answers that were not 2xx ("Non-2xx or 3xx responses").
local counter = 0
local secret = os.getenv("BENCH_SECRET") or "bench-secret"
local base = 0

function setup(thread)
  thread:set("base", math.random(1, 2000000) * 100000)
end

function request()
  counter = counter + 1
  local id = base + counter
  local body = string.format(
    '{"update_id":%d,"message":{"message_id":1,"date":0,"text":"/start",' ..
    '"from":{"id":%d,"is_bot":false,"first_name":"L","language_code":"pl"},' ..
    '"chat":{"id":%d,"type":"private"}}}', id, id, id)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json",
    ["X-Telegram-Bot-Api-Secret-Token"] = secret}, body)
end
