package io.modelrouter.benchmarks.sim;

import java.util.List;

/** Placeholder replaced below. */
final class HtmlReport {
  private HtmlReport() {}

  static String render(List<ScenarioReport> reports, long seed, boolean quick) {
    return "";
  }
}
