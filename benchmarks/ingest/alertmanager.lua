-- wrk script: posts realistic Alertmanager v4 webhook bodies with ALERTS alerts each; every
-- request carries new fingerprints, so each accepted alert is a new one to store (no dedupe).
-- Env: ALERTS (alerts per request, default 1), TOKEN (bearer token, optional), FINGERPRINTS
-- ("sequential", the default: they sort in arrival order; "random": 16 hex digits like Alertmanager's,
-- which land all over the store's dedupe index).
local alerts_per_request = tonumber(os.getenv("ALERTS") or "1")
local token = os.getenv("TOKEN")
-- Distinct per wrk run, so a later run never re-sends (and dedupes against) an earlier run's alerts.
local run_id = os.getenv("RUN") or tostring(os.time())
local random_fingerprints = os.getenv("FINGERPRINTS") == "random"
local counter = 0
-- thread_id is set per thread by setup() (a global in that thread's Lua state, so no local here).
local id_source = 0

function setup(thread)
  id_source = id_source + 1
  thread:set("thread_id", id_source)
end

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  if token and token ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. token
  end
end

-- One alert split around its instance number and its fingerprint, so a request costs a few
-- string joins: the load generator shares the 2 cores with the server and must stay cheap.
local ALERT_A = '{"status":"firing","labels":{"alertname":"DiskSpaceLow","instance":"web-'
local ALERT_B = ':9100","job":"node","severity":"critical","mountpoint":"/var","device":"/dev/sda1","fstype":"ext4",' ..
  '"team":"storage","env":"prod","region":"eu-west-1"},"annotations":{"summary":"Disk /var is 97% full",' ..
  '"description":"Filesystem /dev/sda1 mounted on /var has 3% space left; predicted to fill in 2h.",' ..
  '"runbook_url":"https://runbooks.example.internal/disk-space-low"},"startsAt":"2026-11-21T10:00:00.000Z",' ..
  '"endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prometheus.example.internal:9090/graph?g0.expr=node_filesystem",' ..
  '"fingerprint":"'
local ALERT_C = '"}'
local HEAD = '{"receiver":"quench","status":"firing","alerts":['
local TAIL = '],"groupLabels":{"alertname":"DiskSpaceLow"},"commonLabels":{"alertname":"DiskSpaceLow"},' ..
  '"commonAnnotations":{},"externalURL":"http://alertmanager.example.internal:9093","version":"4",' ..
  '"groupKey":"{}:{alertname=\\"DiskSpaceLow\\"}","truncatedAlerts":0}'

function request()
  local parts = {HEAD}
  for i = 1, alerts_per_request do
    counter = counter + 1
    local id = run_id .. "-" .. (thread_id or 0) .. "-" .. counter
    if random_fingerprints then
      -- unique still (the counter is appended), but in random order
      id = string.format("%08x%08x", math.random(0, 0x7fffffff), math.random(0, 0x7fffffff)) .. "-" .. id
    end
    parts[#parts + 1] = (i > 1 and "," or "") .. ALERT_A .. counter .. ALERT_B .. id .. ALERT_C
  end
  parts[#parts + 1] = TAIL
  return wrk.format(nil, "/hooks/alertmanager", nil, table.concat(parts))
end

function done(summary, latency, requests)
  local non2xx = summary.errors.status
  local socket_errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  local ok = summary.requests - non2xx
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT requests=%d ok=%d non2xx=%d socket_errors=%d seconds=%.2f req_per_s=%.0f " ..
    "alerts_per_s=%.0f accepted_alerts=%d p50_ms=%.2f p99_ms=%.2f\n",
    summary.requests, ok, non2xx, socket_errors, seconds, ok / seconds, ok * alerts_per_request / seconds,
    ok * alerts_per_request, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
