-- wrk script: one small OpenAI chat completion per request, authenticated.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-bench"
wrk.body = '{"model":"bench-chat","max_tokens":8,"messages":[{"role":"user","content":"Say hello to the load test."}]}'

-- Count non-2xx answers as errors in the summary (wrk counts them only as "Non-2xx").
done = function(summary, latency, requests)
  io.write(string.format("errors: connect %d, read %d, write %d, status %d, timeout %d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout))
end
