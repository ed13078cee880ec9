package io.modelrouter.gateway;

import static io.modelrouter.gateway.ConfigChecks.check;
import static io.modelrouter.gateway.ConfigChecks.ms;
import static io.modelrouter.gateway.ConfigChecks.positive;

import io.modelrouter.http.HedgePolicy;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code forwarding.hedging}: when to send a second copy of a request to the next-best endpoint
 * (the first answer wins; see {@link HedgePolicy}). Hedges are retries for the retry budget.
 *
 * <pre>{@code
 * hedging:
 *   mode: off            # off | latencyMultiple | fixed
 *   multiple: 2.0        # latencyMultiple: hedge after this many times the endpoint's peak-EWMA latency
 *   minDelayMs: 20       # latencyMultiple: but never sooner than this
 *   delayMs: 100         # fixed: hedge after this long without an answer (required)
 * }</pre>
 */
public record HedgingConfig(String mode, @Nullable Double multiple, @Nullable Long minDelayMs, @Nullable Long delayMs) {

  /** The latency multiple by default: 2, near an endpoint's high percentiles since the peak EWMA jumps to slow answers. */
  public static final double DEFAULT_MULTIPLE = 2.0;
  /** The shortest delay of latency-multiple hedging by default: 20 ms, so fast endpoints are not hedged on noise. */
  public static final long DEFAULT_MIN_DELAY_MS = 20;

  private static final List<String> MODES = List.of("off", "latencyMultiple", "fixed");

  /** No hedging (the default). */
  public static final HedgingConfig OFF = new HedgingConfig(null, null, null, null);

  public HedgingConfig {
    mode = mode == null ? "off" : mode;
    check(MODES.contains(mode), "mode", mode, "one of " + MODES);
    if (mode.equals("latencyMultiple")) {
      double m = multiple == null ? DEFAULT_MULTIPLE : multiple;
      check(m > 0 && !Double.isInfinite(m), "multiple", m, "a finite number > 0");
      multiple = m;
      minDelayMs = positive(minDelayMs, DEFAULT_MIN_DELAY_MS, "minDelayMs");
      check(delayMs == null, "delayMs", delayMs, "no delayMs with mode latencyMultiple; it is for mode fixed");
    } else if (mode.equals("fixed")) {
      check(delayMs != null, "delayMs", "missing", "the delay before hedging, with mode fixed");
      delayMs = positive(delayMs, 0, "delayMs");
      check(multiple == null && minDelayMs == null, "multiple/minDelayMs", "set",
          "none with mode fixed; they are for mode latencyMultiple");
    } else {
      check(multiple == null && minDelayMs == null && delayMs == null, "mode", "off",
          "latencyMultiple or fixed when multiple, minDelayMs or delayMs are set");
    }
  }

  /** Hedging after a fixed delay. */
  public static HedgingConfig fixed(long delayMs) {
    return new HedgingConfig("fixed", null, null, delayMs);
  }

  HedgePolicy build() {
    return switch (mode) {
      case "latencyMultiple" -> HedgePolicy.afterLatencyMultiple(multiple, ms(minDelayMs));
      case "fixed" -> HedgePolicy.after(ms(delayMs));
      default -> HedgePolicy.none();
    };
  }
}
