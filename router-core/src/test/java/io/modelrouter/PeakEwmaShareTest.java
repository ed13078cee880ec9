package io.modelrouter;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.select.SelectionStrategy;
import io.modelrouter.select.Strategies;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Statistical check on a simulated fleet: ten single-server FIFO endpoints, one five times
 * slower, 500 requests per second for 20 simulated seconds, leases completed with the latency the
 * queue gives. Deterministic: manual clock, seeded random.
 */
class PeakEwmaShareTest {

  private static final long MS = 1_000_000L;
  private static final int ENDPOINTS = 10;
  private static final int SLOW = 7;

  private record Pending(long at, Lease lease, long latency) {}

  /** The share of requests the slow endpoint received. */
  private static double slowShare(SelectionStrategy strategy) {
    long[] now = {0};
    InMemoryRegistry registry = InMemoryRegistry.create(() -> now[0]);
    List<Endpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < ENDPOINTS; i++) {
      endpoints.add(Endpoint.builder("e" + i, "http://127.0.0.1:" + (9000 + i)).serves("m").build());
    }
    registry.replace(List.of(ModelSpec.builder("m", "1").build()), endpoints);
    Router router = Router.builder(registry).strategy(strategy).ticker(() -> now[0]).random(new SplittableRandom(3)).build();
    SplittableRandom service = new SplittableRandom(11);
    long[] busyUntil = new long[ENDPOINTS];
    PriorityQueue<Pending> pending = new PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));
    int requests = 10_000;
    int slow = 0;
    for (int k = 0; k < requests; k++) {
      long arrival = k * 2 * MS;
      while (!pending.isEmpty() && pending.peek().at <= arrival) {
        Pending p = pending.poll();
        now[0] = p.at;
        p.lease.complete(Outcome.success().withLatencyNanos(p.latency));
      }
      now[0] = arrival;
      Decision d = router.route(RouteRequest.of("m")).decisionOrThrow();
      int i = Integer.parseInt(d.endpoint().id().substring(1));
      if (i == SLOW) {
        slow++;
      }
      // exponential service time, mean 10 ms, 50 ms on the slow endpoint
      double mean = (i == SLOW ? 50 : 10) * MS;
      long serviceTime = (long) (-mean * Math.log(1 - service.nextDouble()));
      long done = Math.max(arrival, busyUntil[i]) + serviceTime;
      busyUntil[i] = done;
      pending.add(new Pending(done, d.lease(), done - arrival));
    }
    return slow / (double) requests;
  }

  @Test
  void p2cPeakEwma_sendsAClearlySmallerShareToAnEndpointFiveTimesSlower() {
    double peakEwma = slowShare(Strategies.p2cPeakEwma());
    double roundRobin = slowShare(Strategies.roundRobin());
    assertThat(roundRobin).isEqualTo(0.1);
    // a fair share is 10%; the slow endpoint can serve 4% of the traffic at most
    assertThat(peakEwma).isLessThan(0.04);
  }

  @Test
  void leastLatency_theDefault_sendsTheSlowEndpointLessThanP2cPeakEwma() {
    SelectionStrategy byDefault = Router.builder(InMemoryRegistry.create()).build().strategy();
    assertThat(byDefault).isSameAs(Strategies.defaultStrategy()); // least latency on generic endpoints
    assertThat(slowShare(byDefault)).isLessThan(0.04).isLessThanOrEqualTo(slowShare(Strategies.p2cPeakEwma()));
  }
}
