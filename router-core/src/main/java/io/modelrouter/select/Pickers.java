package io.modelrouter.select;

/** Factories for the built-in {@link Picker}s. */
public final class Pickers {

  private Pickers() {}

  /**
   * The candidate with the lowest score, from a full scan that starts at a random position so
   * ties are broken at random. O(n) per pick: use it for pools of up to a few hundred endpoints
   * or when every signal must be compared (LLM servers).
   */
  public static Picker lowestScore() {
    return LowestScore.INSTANCE;
  }

  /**
   * Power of two choices: two distinct random candidates, the lower score wins. O(1) per pick
   * and, unlike a full scan, it does not send a burst to the single best endpoint between two
   * signal updates (Mitzenmacher's result: two choices give most of the benefit of all).
   * Vetoed choices are re-drawn up to {@value TwoChoices#MAX_REDRAWS} times, then a full scan
   * decides.
   */
  public static Picker twoChoices() {
    return TwoChoices.INSTANCE;
  }

  private static final class LowestScore implements Picker {
    static final LowestScore INSTANCE = new LowestScore();

    @Override
    public int pick(Candidates c, EndpointScorer scorer) {
      int n = c.size();
      if (n <= 1) {
        return n == 1 && scorer.score(c, 0) != Double.POSITIVE_INFINITY ? 0 : SelectionStrategy.NONE;
      }
      return lowest(c, scorer, c.random().nextInt(n));
    }

    @Override
    public String name() {
      return "lowest";
    }
  }

  /** A full scan from {@code start}: the lowest finite score, the first of equal ones. */
  static int lowest(Candidates c, EndpointScorer scorer, int start) {
    int n = c.size();
    int best = SelectionStrategy.NONE;
    double bestScore = Double.POSITIVE_INFINITY;
    for (int k = 0; k < n; k++) {
      int i = start + k;
      if (i >= n) {
        i -= n;
      }
      double s = scorer.score(c, i);
      if (s < bestScore) {
        best = i;
        bestScore = s;
      }
    }
    return best;
  }

  static final class TwoChoices implements Picker {
    static final TwoChoices INSTANCE = new TwoChoices();

    /** Re-draws before a full scan: after 4, a pool with a quarter vetoed fails under 1% (Finagle). */
    static final int MAX_REDRAWS = 4;

    @Override
    public int pick(Candidates c, EndpointScorer scorer) {
      int n = c.size();
      if (n <= 1) {
        return n == 1 && scorer.score(c, 0) != Double.POSITIVE_INFINITY ? 0 : SelectionStrategy.NONE;
      }
      for (int attempt = 0; attempt <= MAX_REDRAWS; attempt++) {
        int a = c.random().nextInt(n);
        int b = c.random().nextInt(n - 1);
        if (b >= a) {
          b++;
        }
        double sa = scorer.score(c, a);
        double sb = scorer.score(c, b);
        if (sa != Double.POSITIVE_INFINITY || sb != Double.POSITIVE_INFINITY) {
          return sa <= sb ? a : b;
        }
      }
      return lowest(c, scorer, 0);
    }

    @Override
    public String name() {
      return "two-choices";
    }
  }
}
