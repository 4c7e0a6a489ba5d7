package io.chainplan.router.dispatch;

import io.chainplan.router.policy.JffcDispatchPolicy;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH benchmark of one JFFC acquire/release pair on a {@link Dispatcher} with 1000 chains, about
 * half of all slots held (so the fastest free chain is found deep in the ranking). Goal: under 1 µs.
 * <p>Not run by {@code mvn verify}. Run from the repository root with:
 * <pre>
 * mvn -B -q -pl router test-compile dependency:build-classpath -Dmdep.outputFile=target/jmh.classpath -Dmdep.includeScope=test
 * java -Xmx512m -cp router/target/test-classes:router/target/classes:$(cat router/target/jmh.classpath) \
 *     org.openjdk.jmh.Main DispatcherBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class DispatcherBenchmark {
    private static final long SEED = 99L;

    @Param({"1000"})
    private int chains;

    private Dispatcher dispatcher;

    /** Builds a plan of {@code chains} chains with random capacities and fills about half the slots. */
    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(SEED);
        int[] caps = new int[chains];
        double[] times = new double[chains];
        for (int i = 0; i < chains; i++) {
            caps[i] = 1 + random.nextInt(8);
            times[i] = 1 + random.nextDouble() * 10;
        }
        dispatcher = Dispatcher.builder(TestPlans.MODEL, new JffcDispatchPolicy()).build();
        RoutingPlan plan = TestPlans.plan(1, caps, times);
        dispatcher.apply(plan);
        long half = plan.totalCapacity() / 2;
        for (long i = 0; i < half; i++) {
            dispatcher.tryAcquire().orElseThrow();
        }
    }

    /**
     * One non-blocking acquire and its release.
     *
     * @return the lease's chain (to defeat dead-code elimination)
     */
    @Benchmark
    public int tryAcquireAndRelease() {
        Lease lease = dispatcher.tryAcquire().orElseThrow();
        dispatcher.release(lease);
        return lease.chainIndex();
    }

    /**
     * One asynchronous acquire (completed at once) and its release.
     *
     * @return the lease's chain
     */
    @Benchmark
    public int acquireAsyncAndRelease() {
        Lease lease = dispatcher.acquireAsync().join();
        dispatcher.release(lease);
        return lease.chainIndex();
    }
}
