package io.chainplan.optimizer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chainplan.optimizer.audit.PlanAudit;
import io.chainplan.optimizer.replan.PaperSolver;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.TriggerKind;
import io.chainplan.local.EmbeddedKafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Crashes the optimizer at random points of its publish cycle (no abort, no commit, no clean
 * close: the producer and consumers are force-closed and the consumer stays in the group), restarts
 * it with the same instance id, and checks the plans topic: epochs 1..n without gap or duplicate,
 * one plan per demand step (no trigger lost or published twice), and every plan replays exactly.
 */
class OptimizerCrashIT {
    private static final long SEED = 20_260_101L;
    private static final double[] RATES = {0.2, 0.4, 0.25, 0.5, 0.3, 0.6, 0.35, 0.2};
    /** Longest wait for one demand step's plan, crashes and restarts included: generous, the machine is often busy. */
    private static final Duration STEP_WAIT = Duration.ofMinutes(5);
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.start(OptimizerHarness.tmp("optimizer-crash-it"), 0);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    /** The optimizer under test, restarted (same instance id, a new random crash) whenever it has crashed. */
    private static final class Restarting implements AutoCloseable {
        private final OptimizerHarness h;
        private final RandomGenerator random;
        private OptimizerService service;
        private int crashes;

        Restarting(OptimizerHarness h, RandomGenerator random) {
            this.h = h;
            this.random = random;
        }

        /** One round: starts the service if it is down, counts a crash if it stopped, else reads the plans. */
        boolean published(int expected) throws InterruptedException {
            if (service == null) {
                service = h.service("a", Map.of(), new RandomCrash(random));
            }
            if (service.awaitTermination(Duration.ofMillis(50))) {
                crashes++;
                service = null;
                return false;
            }
            return h.plans().size() >= expected;
        }

        @Override
        public void close() {
            if (service != null) {
                service.close();
            }
        }
    }

    /** Crashes at a random stage of about half of the publish cycles. */
    private static final class RandomCrash implements CrashHook {
        private final RandomGenerator random;
        private final Stage stage;
        private boolean armed = true;

        RandomCrash(RandomGenerator random) {
            this.random = random;
            this.stage = Stage.values()[random.nextInt(Stage.values().length)];
        }

        @Override
        public void at(Stage at) {
            if (armed && at == stage && random.nextBoolean()) {
                armed = false;
                throw new Abandon(at);
            }
        }
    }

    @Test
    void shouldKeepEpochsGaplessAndLoseNoTriggerAcrossCrashes() throws Exception {
        RandomGenerator random = new SplittableRandom(SEED);
        try (OptimizerHarness h = new OptimizerHarness(broker, 1)) {
            h.model();
            h.fleet();
            Restarting service = new Restarting(h, random);
            for (int step = 0; step < RATES.length; step++) {
                h.demand(RATES[step], 0.01);
                int expected = step + 1;
                await(expected + " plans across crashes").atMost(STEP_WAIT).pollInSameThread()
                        .pollInterval(Duration.ofMillis(10)).until(() -> service.published(expected));
            }
            h.awaitDemandCommitted();
            service.close();

            List<ChainPlan> plans = h.plans();
            assertThat(service.crashes).as("crashes happened").isGreaterThanOrEqualTo(2);
            assertThat(plans).extracting(ChainPlan::getEpoch)
                    .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
            List<Double> rates = new ArrayList<>();
            plans.forEach(p -> rates.add(p.getInputs().getArrivalRatePerSecond()));
            assertThat(rates).containsExactly(0.2, 0.4, 0.25, 0.5, 0.3, 0.6, 0.35, 0.2);
            assertThat(plans.subList(1, plans.size())).extracting(p -> p.getTrigger().getKind())
                    .containsOnly(TriggerKind.DEMAND_SHIFT);
            PaperSolver solver = new PaperSolver(1);
            for (ChainPlan p : plans) {
                PlanAudit.Replay r = PlanAudit.replay(p, solver);
                assertThat(r.differences()).as("replay of epoch " + p.getEpoch()).isEmpty();
                assertThat(r.identical()).isTrue();
            }
            assertThat(plans).anySatisfy(p -> assertThat(p.getInputs().getFixedPlacement()).isNotEmpty());
        }
    }
}
