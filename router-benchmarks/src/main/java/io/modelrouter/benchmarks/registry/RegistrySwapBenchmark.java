package io.modelrouter.benchmarks.registry;

import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.RegistryContent;
import io.modelrouter.registry.RegistrySnapshot;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How long a registry update takes from new content to a published snapshot (index build, state
 * reuse, atomic swap, listener notification), alternating between two contents that differ in
 * every endpoint's weight so that every swap is a real change.
 *
 * <p>Run: {@code java -jar router-benchmarks/target/benchmarks.jar RegistrySwapBenchmark -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class RegistrySwapBenchmark {

  @Param({"1000", "10000"})
  int endpoints;

  private InMemoryRegistry registry;
  private RegistryContent even;
  private RegistryContent odd;
  private boolean flip;

  @Setup(Level.Trial)
  public void setUp() {
    int versions = endpoints / 10;
    even = RegistryFixtures.content(endpoints, versions, 0);
    odd = RegistryFixtures.content(endpoints, versions, 1);
    registry = InMemoryRegistry.create();
    registry.replace(even);
    registry.addListener((previous, current) -> { });
  }

  /** Builds and publishes a new snapshot of {@code endpoints} endpoints over {@code endpoints / 10} versions. */
  @Benchmark
  public RegistrySnapshot swap() {
    flip = !flip;
    return registry.replace(flip ? odd : even);
  }
}
