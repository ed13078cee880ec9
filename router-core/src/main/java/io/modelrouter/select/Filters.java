package io.modelrouter.select;

import io.modelrouter.RejectionReason;
import java.util.Objects;

/**
 * Factories for the built-in {@link EndpointFilter}s. The router applies the adapter, budget and
 * saturation filters itself (see {@link io.modelrouter.Router#route}); they are public so that
 * custom pipelines can reuse them.
 */
public final class Filters {

  private Filters() {}

  /**
   * LoRA affinity, first tier (soft): endpoints that hold the request's adapter, configured or
   * loaded as scraped from {@code vllm:lora_requests_info}; everything when none does or the
   * request names no adapter.
   */
  public static EndpointFilter adapterLoaded() {
    return AdapterFilter.LOADED;
  }

  /**
   * LoRA affinity, second tier (soft): endpoints that hold the request's adapter or have a free
   * adapter slot; everything when none does or the request names no adapter.
   */
  public static EndpointFilter adapterSlotFree() {
    return AdapterFilter.SLOT_FREE;
  }

  /**
   * Endpoints predicted ({@link LatencyModel#fitsBudget}) to meet the request's latency and
   * time-to-first-token budgets. Under {@link DeadlinePolicy#REJECT} a request none fits is
   * rejected with {@link RejectionReason#DEADLINE_UNMEETABLE}; under
   * {@link DeadlinePolicy#BEST_EFFORT} the filter is soft and then keeps everything.
   */
  public static EndpointFilter latencyBudget(LatencyModel model, DeadlinePolicy policy) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(policy, "policy");
    return new EndpointFilter() {
      @Override
      public boolean accept(Candidates c, int index) {
        return model.fitsBudget(c.request(), c.endpoint(index), c.state(index), c.nanoTime());
      }

      @Override
      public RejectionReason reasonWhenEmpty() {
        return RejectionReason.DEADLINE_UNMEETABLE;
      }

      @Override
      public boolean soft() {
        return policy == DeadlinePolicy.BEST_EFFORT;
      }

      @Override
      public String name() {
        return "latency-budget";
      }
    };
  }

  /**
   * Endpoints that are not {@linkplain LoadShedding#saturated saturated}; when every one is, a
   * request is rejected with {@link RejectionReason#OVERLOADED}. The router applies it only to
   * the priorities {@code shedding} sheds.
   */
  public static EndpointFilter notSaturated(LoadShedding shedding, LatencyModel model) {
    Objects.requireNonNull(shedding, "shedding");
    Objects.requireNonNull(model, "model");
    return new EndpointFilter() {
      @Override
      public boolean accept(Candidates c, int index) {
        return !shedding.saturated(c.endpoint(index), c.state(index), c.nanoTime(), model);
      }

      @Override
      public RejectionReason reasonWhenEmpty() {
        return RejectionReason.OVERLOADED;
      }

      @Override
      public String name() {
        return "saturated";
      }
    };
  }

  private static final class AdapterFilter implements EndpointFilter {
    static final AdapterFilter LOADED = new AdapterFilter(0, "adapter-not-loaded");
    static final AdapterFilter SLOT_FREE = new AdapterFilter(1, "adapter-slots-full");

    private final int maxTier;
    private final String name;

    private AdapterFilter(int maxTier, String name) {
      this.maxTier = maxTier;
      this.name = name;
    }

    @Override
    public boolean accept(Candidates c, int index) {
      String adapter = c.request().adapter();
      return adapter == null || Scorers.adapterTier(c.endpoint(index), c.state(index), adapter) <= maxTier;
    }

    @Override
    public boolean soft() {
      return true;
    }

    @Override
    public String name() {
      return name;
    }
  }
}
