package io.modelrouter.select;

/** Each candidate in turn, by a counter kept per model version. */
final class RoundRobinStrategy implements SelectionStrategy {
  static final RoundRobinStrategy INSTANCE = new RoundRobinStrategy();

  private RoundRobinStrategy() {}

  @Override
  public int select(Candidates c) {
    int n = c.size();
    if (n == 0) {
      return NONE;
    }
    return (int) Math.floorMod(c.version().nextSequence(), (long) n);
  }

  @Override
  public String name() {
    return "round-robin";
  }
}
