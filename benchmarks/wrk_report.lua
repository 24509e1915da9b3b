-- wrk reporting script: prints one machine-readable line when the run ends.
--
-- Used by benchmarks/http_bench.py, which parses the line starting with
-- "BENCH_JSON ". All times are in microseconds (wrk's native unit).
--   errors = socket errors (connect + read + write + timeout)
--   non2xx = responses wrk counts as errors.status (HTTP status >= 400);
--            http_bench.py checks beforehand that each URL answers 2xx,
--            so redirects cannot slip through either.

done = function(summary, latency, requests)
  local e = summary.errors
  local line = string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"errors":%d,"non2xx":%d,'
      .. '"p50_us":%d,"p90_us":%d,"p95_us":%d,"p99_us":%d,'
      .. '"min_us":%d,"max_us":%d,"mean_us":%.1f,"stdev_us":%.1f}\n',
    summary.requests,
    summary.duration,
    summary.bytes,
    e.connect + e.read + e.write + e.timeout,
    e.status,
    latency:percentile(50),
    latency:percentile(90),
    latency:percentile(95),
    latency:percentile(99),
    latency.min,
    latency.max,
    latency.mean,
    latency.stdev
  )
  io.write(line)
end
