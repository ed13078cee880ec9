#!/usr/bin/env python3
"""Load client and report of router-gateway/load/faults.sh (Python 3 standard library only).

  faults_load.py run URL KEY SECONDS CONCURRENCY BUDGET_MS OUT.csv
      CONCURRENCY clients send chat requests (every other one streamed, 16 tokens) with a
      latency budget, one after another on a keep-alive connection each, for SECONDS; one CSV
      line per request: start and end (epoch ms), status (an HTTP status, or refused / reset /
      error), whether the answer was whole (a stream ending in [DONE], a body with its usage),
      the endpoint that answered, and whether it was streamed.
  faults_load.py report OUT.csv EVENTS HEALTH_INTERVAL_S TIMEOUT_FLOOR_S TIMEOUT_MULTIPLE
      Reads the CSV and the events file (lines "NAME EPOCH_MS") and prints the four targets; the
      per-attempt timeout is taken as max(floor, multiple x the healthy p99), RetryPolicy's rule.
"""
import csv
import http.client
import json
import sys
import threading
import time


def now_ms():
    return time.time() * 1000.0


def one_request(conn, key, budget_ms, stream):
    body = json.dumps({"model": "chat", "max_tokens": 16, "stream": stream,
                       "messages": [{"role": "user", "content": "hello"}]})
    conn.request("POST", "/v1/chat/completions", body=body, headers={
        "Authorization": "Bearer " + key, "Content-Type": "application/json",
        "x-modelrouter-latency-budget-ms": str(budget_ms)})
    r = conn.getresponse()
    data = r.read()
    endpoint = r.getheader("x-modelrouter-endpoint") or ""
    text = data.decode("utf-8", "replace")
    whole = r.status == 200 and (text.rstrip().endswith("data: [DONE]") if stream else '"usage"' in text)
    closed = (r.getheader("connection") or "").lower() == "close"
    return r.status, whole, endpoint, closed


def run(url, key, seconds, concurrency, budget_ms, out):
    host, port = url.replace("http://", "").split(":")
    port = int(port)
    stop = now_ms() + seconds * 1000
    lock = threading.Lock()
    f = open(out, "w", newline="")
    w = csv.writer(f)
    w.writerow(["start_ms", "end_ms", "status", "whole", "endpoint", "stream"])

    def client(n):
        conn = None
        i = 0
        while now_ms() < stop:
            stream = (n + i) % 2 == 0
            i += 1
            if conn is None:
                conn = http.client.HTTPConnection(host, port, timeout=30)
            start = now_ms()
            try:
                status, whole, endpoint, closed = one_request(conn, key, budget_ms, stream)
                if closed:
                    conn.close()
                    conn = None
            except ConnectionRefusedError:
                status, whole, endpoint = "refused", False, ""
                conn = None
                time.sleep(0.05)
            except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected) as e:
                status, whole, endpoint = "reset", False, ""
                conn = None
            except Exception as e:  # a timeout, an incomplete read
                status, whole, endpoint = "error:" + type(e).__name__, False, ""
                conn = None
            with lock:
                w.writerow(["%.1f" % start, "%.1f" % now_ms(), status, int(whole), endpoint, int(stream)])
                f.flush()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    f.close()


def pct(values, q):
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def report(out, events_file, health_interval_s, floor_s, multiple):
    rows = list(csv.DictReader(open(out)))
    for r in rows:
        r["start"] = float(r["start_ms"])
        r["end"] = float(r["end_ms"])
        r["ms"] = r["end"] - r["start"]
    ev = {}
    for line in open(events_file):
        name, t = line.split()
        ev[name] = float(t)
    ok = lambda r: r["status"] == "200" and r["whole"] == "1"
    print("requests: %d, answered whole: %d" % (len(rows), sum(1 for r in rows if ok(r))))

    healthy = [r for r in rows if ev["load"] + 10000 <= r["start"] and r["end"] < ev["freeze"]]
    p99 = pct([r["ms"] for r in healthy if ok(r)], 0.99)
    print("healthy (%d requests, both endpoints): p50 %.0f ms, p99 %.0f ms, errors %d"
          % (len(healthy), pct([r["ms"] for r in healthy], 0.5), p99, sum(1 for r in healthy if not ok(r))))

    at_stop = [r for r in rows if r["start"] < ev["freeze"] < r["end"]]
    saved = [r["ms"] for r in at_stop if ok(r)]
    print("in flight at SIGSTOP: %d, answered whole %d (slowest %.0f ms), errors %d %s (status, stream: a stream "
          "whose answer had begun on the frozen endpoint cannot move)"
          % (len(at_stop), len(saved), max(saved) if saved else 0, len(at_stop) - len(saved),
             sorted(set((r["status"], r["stream"]) for r in at_stop if not ok(r)))))
    attempt_timeout_s = max(floor_s, multiple * p99 / 1000)
    bound = 2 * p99 + attempt_timeout_s * 1000
    print("per-attempt timeout max(%.1f s, %g x p99) = %.0f ms; bound on the slowest answer 2 x p99 + that = %.0f ms"
          % (floor_s, multiple, attempt_timeout_s * 1000, bound))
    frozen = [r for r in rows if ev["freeze"] <= r["start"] < ev["thaw"]]
    lost = [r for r in frozen if not ok(r)]
    slowest = max(r["ms"] for r in frozen)
    print("frozen endpoint (SIGSTOP, one healthy endpoint left; %d requests sent in %.0f s, 3 s budget): lost %d %s; slowest %.0f ms "
          "(target < 2 x healthy p99 + per-attempt timeout = %.0f ms: %s)"
          % (len(frozen), (ev["thaw"] - ev["freeze"]) / 1000, len(lost),
             sorted(set(r["status"] for r in lost)), slowest, bound, "met" if slowest < bound else "MISSED"))

    restarted = [r for r in rows if r["start"] >= ev["restart"] and r["endpoint"] == "sim-1" and ok(r)]
    if restarted:
        back = (min(r["end"] for r in restarted) - ev["restart"]) / 1000
        print("restarted endpoint (kill -9, back on its port): serving %.1f s after its restart "
              "(target: within two health intervals, %.0f s: %s)"
              % (back, 2 * health_interval_s, "met" if back <= 2 * health_interval_s else "MISSED"))
    else:
        print("restarted endpoint: never served again (MISSED)")
    killed = [r for r in rows if ev["kill"] <= r["start"] < ev["restart"]]
    print("while it was down (%d requests): errors %d" % (len(killed), sum(1 for r in killed if not ok(r))))

    in_flight = [r for r in rows if r["start"] < ev["sigterm"] <= r["end"]]
    after = [r for r in rows if r["start"] >= ev["sigterm"]]
    drain_errors = [r for r in in_flight if not ok(r)]
    late = [r for r in after if r["status"] != "refused"]
    print("SIGTERM drain: %d requests in flight at SIGTERM, errors %d %s; %d sent after it: new connections "
          "refused %d, on open keep-alive connections answered whole %d, 503 with Retry-After %d, other %d %s"
          % (len(in_flight), len(drain_errors), sorted(set(r["status"] for r in drain_errors)), len(after),
             len(after) - len(late), sum(1 for r in late if ok(r)), sum(1 for r in late if r["status"] == "503"),
             sum(1 for r in late if not ok(r) and r["status"] != "503"),
             sorted(set(r["status"] for r in late if not ok(r) and r["status"] != "503"))))
    if "stopped" in ev:
        print("gateway exited %.1f s after SIGTERM" % ((ev["stopped"] - ev["sigterm"]) / 1000))


if __name__ == "__main__":
    if sys.argv[1] == "run":
        run(sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), sys.argv[7])
    else:
        report(sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]))
