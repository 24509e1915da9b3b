"""What db_restart_fault.py watches and does during its run: /healthz polled
every 0.5 s, PostgreSQL stopped and started again, and how to read the
responses against those times."""

import http.client
import json
import threading
import time

HEALTHZ_INTERVAL = 0.5


class HealthPoller:
    """GET /healthz every HEALTHZ_INTERVAL seconds; keep (t, status, body status)."""

    def __init__(self, run):
        self.run, self.samples, self.stopping = run, [], threading.Event()
        self.thread = threading.Thread(target=self.loop, daemon=True)

    def start(self):
        self.thread.start()

    def join(self, timeout=None):
        self.thread.join(timeout)

    def poll(self):
        host, port = self.run.base_url.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=5)
        begun = time.monotonic()
        try:
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            body = response.read()
            try:
                state = json.loads(body).get("status", "")
            except ValueError:
                state = "not JSON"
            status = response.status
        except (OSError, http.client.HTTPException) as exc:
            status, state = 0, type(exc).__name__
        finally:
            conn.close()
        # t: when the answer came (the check ran just before it, after waiting
        # for a free worker behind the learners' requests); sent: when asked.
        sample = {
            "t": round(time.monotonic() - self.run.started, 2),
            "sent": round(begun - self.run.started, 2),
            "status": status,
            "state": state,
            "ms": round((time.monotonic() - begun) * 1000, 1),
        }
        self.samples.append(sample)
        return sample

    def loop(self):
        while not self.stopping.is_set():
            self.poll()
            self.stopping.wait(HEALTHZ_INTERVAL)


class Fault(threading.Thread):
    """Stop PostgreSQL at ``at`` seconds into the run, start it ``outage`` s later."""

    def __init__(self, run, cluster, at, outage):
        super().__init__(daemon=True)
        self.load, self.cluster, self.at, self.outage = run, cluster, at, outage
        self.times, self.error = {}, None

    def run(self):
        try:
            time.sleep(max(0.0, self.load.started + self.at - time.monotonic()))
            self.times["stop_begin"] = self.load.elapsed()
            self.cluster.stop("fast")
            self.times["down"] = self.load.elapsed()
            time.sleep(self.outage)
            self.times["start_begin"] = self.load.elapsed()
            self.cluster.start()
            self.times["up"] = self.load.elapsed()
        except Exception as exc:  # reported in the results, and a failed check
            self.error = f"{type(exc).__name__}: {exc}"


def timeline(samples):
    """Consecutive /healthz samples with the same answer, as runs."""
    runs = []
    for sample in samples:
        key = (sample["status"], sample["state"])
        if runs and runs[-1]["key"] == key:
            runs[-1]["to"] = sample["t"]
            runs[-1]["samples"] += 1
        else:
            runs.append({"key": key, "from": sample["t"], "to": sample["t"], "samples": 1})
    return [
        {
            "from": r["from"],
            "to": r["to"],
            "status": r["key"][0],
            "state": r["key"][1],
            "samples": r["samples"],
        }
        for r in runs
    ]


def healthy_since(samples, times):
    """When /healthz started answering 200 for good after PostgreSQL was up
    (the first sample of the last run of 200s), or None."""
    if "up" not in times or not samples or samples[-1]["status"] != 200:
        return None
    since = samples[-1]["t"]
    for sample in reversed(samples):
        if sample["status"] != 200:
            break
        since = sample["t"]
    return since if samples[-1]["t"] > times["up"] else None


def window(record, times):
    if "stop_begin" not in times or record["end"] < times["stop_begin"]:
        return "before"
    if record["t"] < times.get("up", float("inf")):
        return "outage"
    return "after"


def failed(record):
    return bool(record["error"]) or record["status"] >= 500


def committed_despite_error(records, check):
    """Failed writes (5xx or connection error) whose row exists and was written
    before the failure reached the learner: the client saw an error, the write
    committed."""
    steps = {(u, s, g): t for u, s, g, t in check["completions"]}
    claims = {(u, s): t for u, s, t in check["claims"]}
    found = []
    for r in records:
        if not failed(r) or r["kind"] not in {"complete", "claim"}:
            continue
        key = (r["learner"], r["path"], r["guide"]) if r["kind"] == "complete" else None
        written = steps.get(key) if key else claims.get((r["learner"], r["path"]))
        if written is not None and written <= r["wall_end"]:
            found.append(
                {
                    "kind": r["kind"],
                    "learner": r["learner"],
                    "path": r["path"],
                    "guide": r["guide"],
                    "status": r["status"] or r["error"],
                    "t": r["t"],
                }
            )
    return found
