package io.modelrouter.testing;

import io.modelrouter.select.Candidates;
import io.modelrouter.select.SelectionStrategy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Picks the candidate declared first in a {@link SimFleet}, so that a test knows which endpoint
 * is tried first and which next; endpoints the fleet did not declare come after, by id.
 */
final class InOrderStrategy implements SelectionStrategy {

  private final Map<String, Integer> rank = new HashMap<>();

  InOrderStrategy(List<String> endpointIds) {
    for (int i = 0; i < endpointIds.size(); i++) {
      rank.put(endpointIds.get(i), i);
    }
  }

  @Override
  public int select(Candidates candidates) {
    int best = -1;
    for (int i = 0; i < candidates.size(); i++) {
      if (best < 0 || before(candidates.endpoint(i).id(), candidates.endpoint(best).id())) {
        best = i;
      }
    }
    return best;
  }

  private boolean before(String a, String b) {
    int ra = rank.getOrDefault(a, Integer.MAX_VALUE);
    int rb = rank.getOrDefault(b, Integer.MAX_VALUE);
    return ra != rb ? ra < rb : a.compareTo(b) < 0;
  }

  @Override
  public String name() {
    return "in-order";
  }
}
