package io.modelrouter.benchmarks.sim;

import java.util.Arrays;

/** A growable list of longs with nearest-rank percentiles (sorted on first read). */
final class LongSeries {

  private long[] values = new long[1024];
  private int size;
  private boolean sorted = true;

  void add(long v) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = v;
    sorted = false;
  }

  int size() {
    return size;
  }

  /** The nearest-rank percentile {@code p} in [0, 100]; -1 when empty. */
  long percentile(double p) {
    if (size == 0) {
      return -1;
    }
    sort();
    int rank = (int) Math.ceil(p / 100 * size);
    return values[Math.min(Math.max(rank, 1), size) - 1];
  }

  /** How many values exceed {@code threshold}. */
  int countAbove(long threshold) {
    int n = 0;
    for (int i = 0; i < size; i++) {
      if (values[i] > threshold) {
        n++;
      }
    }
    return n;
  }

  /** The sorted values (a copy). */
  long[] sortedValues() {
    sort();
    return Arrays.copyOf(values, size);
  }

  private void sort() {
    if (!sorted) {
      Arrays.sort(values, 0, size);
      sorted = true;
    }
  }
}
