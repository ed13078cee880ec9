package io.modelrouter.registry;

import io.modelrouter.VersionSelector;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Every registered version of one model inside a {@link RegistrySnapshot}, indexed by version and
 * by tag, with the latest version and the traffic split for requests that pin no version.
 */
public final class ModelEntry {

  /**
   * Orders versions the way people read them: dot- or dash-separated parts compared numerically
   * when both are numbers ({@code 2 < 10}, {@code 1.9 < 1.10}), as text otherwise, and a
   * pre-release before its release ({@code 1.0-rc1 < 1.0 < 1.0.1}).
   */
  public static final Comparator<String> VERSION_ORDER = ModelEntry::compareVersions;

  private final String name;
  private final ModelVersion[] versions;
  private final Map<String, ModelVersion> byVersion;
  private final Map<String, ModelVersion> byTag;
  private final ModelVersion latest;
  private final ModelVersion[] split;
  private final int[] splitCumulative;
  private final List<ModelVersion> versionList;

  ModelEntry(String name, ModelVersion[] versionsInOrder, Map<String, ModelVersion> byTag) {
    this.name = name;
    this.versions = versionsInOrder;
    this.versionList = List.of(versionsInOrder);
    java.util.HashMap<String, ModelVersion> map = new java.util.HashMap<>();
    for (ModelVersion v : versionsInOrder) {
      map.put(v.spec().version(), v);
    }
    this.byVersion = map;
    this.byTag = byTag;
    this.latest = versionsInOrder[versionsInOrder.length - 1];
    int n = 0;
    for (ModelVersion v : versionsInOrder) {
      if (v.spec().trafficWeight() > 0) {
        n++;
      }
    }
    this.split = new ModelVersion[n];
    this.splitCumulative = new int[n];
    int i = 0;
    int sum = 0;
    for (ModelVersion v : versionsInOrder) {
      if (v.spec().trafficWeight() > 0) {
        sum += v.spec().trafficWeight();
        split[i] = v;
        splitCumulative[i] = sum;
        i++;
      }
    }
  }

  public String name() {
    return name;
  }

  /** Every version, oldest first by {@link #VERSION_ORDER}. */
  public List<ModelVersion> versions() {
    return versionList;
  }

  /** The highest version. */
  public ModelVersion latest() {
    return latest;
  }

  /** The version with exactly this name, or null. */
  public @Nullable ModelVersion version(String version) {
    return byVersion.get(version);
  }

  /** The version carrying this tag, or null. */
  public @Nullable ModelVersion tagged(String tag) {
    return byTag.get(tag);
  }

  /** Whether some versions carry a traffic weight, so unpinned requests are split across them. */
  public boolean hasTrafficSplit() {
    return split.length > 0;
  }

  /** The sum of the traffic weights; 0 when there is no split. */
  public int trafficWeightTotal() {
    return split.length == 0 ? 0 : splitCumulative[split.length - 1];
  }

  /**
   * The version of the traffic split at {@code point}, a number in {@code [0, trafficWeightTotal())}:
   * the same point always lands on the same version, so a session hashed to a point stays there.
   */
  public ModelVersion splitAt(int point) {
    int i = Arrays.binarySearch(splitCumulative, point + 1);
    if (i < 0) {
      i = -i - 1;
    }
    return split[Math.min(i, split.length - 1)];
  }

  /**
   * Resolves a selector to a version, or null when none matches. {@link VersionSelector#unspecified()}
   * resolves to the latest version here; the router applies the traffic split before asking.
   */
  public @Nullable ModelVersion resolve(VersionSelector selector) {
    switch (selector.kind()) {
      case EXACT:
        return byVersion.get(selector.value());
      case TAG:
        return byTag.get(selector.value());
      default:
        return latest;
    }
  }

  static int compareVersions(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ie = partEnd(a, i);
      int je = partEnd(b, j);
      int c = comparePart(a, i, ie, b, j, je);
      if (c != 0) {
        return c;
      }
      i = ie + 1;
      j = je + 1;
    }
    boolean aLeft = i < a.length();
    boolean bLeft = j < b.length();
    if (aLeft != bLeft) {
      // 1.0 < 1.0.1, but 1.0-rc1 < 1.0: a trailing word marks a pre-release.
      String rest = aLeft ? a : b;
      int from = aLeft ? i : j;
      boolean numeric = isNumber(rest, from, partEnd(rest, from));
      int sign = aLeft ? 1 : -1;
      return numeric ? sign : -sign;
    }
    return a.compareTo(b);
  }

  private static boolean isSeparator(char c) {
    return c == '.' || c == '-' || c == '_' || c == '+';
  }

  private static int partEnd(String s, int from) {
    int k = from;
    while (k < s.length() && !isSeparator(s.charAt(k))) {
      k++;
    }
    return k;
  }

  private static boolean isNumber(String s, int from, int to) {
    if (from >= to) {
      return false;
    }
    for (int k = from; k < to; k++) {
      if (!Character.isDigit(s.charAt(k))) {
        return false;
      }
    }
    return true;
  }

  private static int comparePart(String a, int ai, int ae, String b, int bi, int be) {
    boolean na = isNumber(a, ai, ae);
    boolean nb = isNumber(b, bi, be);
    if (na && nb) {
      while (ai < ae - 1 && a.charAt(ai) == '0') {
        ai++;
      }
      while (bi < be - 1 && b.charAt(bi) == '0') {
        bi++;
      }
      int c = Integer.compare(ae - ai, be - bi);
      return c != 0 ? c : CharSequence.compare(a.subSequence(ai, ae), b.subSequence(bi, be));
    }
    if (na != nb) {
      return na ? 1 : -1; // 1.0 > 1.0-rc: numbers sort after words
    }
    return CharSequence.compare(a.subSequence(ai, ae), b.subSequence(bi, be));
  }

  @Override
  public String toString() {
    return "ModelEntry{" + name + ", versions=" + versions.length + '}';
  }
}
