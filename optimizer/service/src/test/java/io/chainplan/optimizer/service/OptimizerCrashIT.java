package io.chainplan.optimizer.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.local.EmbeddedKafkaBroker;
import io.chainplan.optimizer.audit.PlanAudit;
import io.chainplan.optimizer.replan.PaperSolver;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.TriggerKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Crashes the optimizer at seeded random points of its publish cycle (no abort, no commit, no clean
 * close: the producer and consumers are force-closed and the consumer stays in the group), restarts
 * it with the same instance id, and checks the plans topic: epochs 1..n without gap or duplicate,
 * one plan per demand step (no trigger lost or published twice), and every plan replays exactly.
 */
class OptimizerCrashIT {
    private static final long SEED = 20_260_101L;
    private static final double[] RATES = {0.2, 0.4, 0.25, 0.5, 0.3, 0.6, 0.35, 0.2};
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.start(OptimizerHarness.tmp("optimizer-crash-it"), 0);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    /** The optimizer under test: restarted (same instance id) whenever it crashed; the first instances crash. */
    private static final class Restarting {
        private final RandomGenerator random;
        private OptimizerService service;
        private int starts;
        private int crashes;

        Restarting(RandomGenerator random) {
            this.random = random;
        }

        /** One round: starts the service if it is down, counts a crash if it stopped, else looks for the plan. */
        boolean published(OptimizerHarness h, int expected) throws InterruptedException {
            if (service == null) {
                service = h.service("a", Map.of(), starts++ < CRASHING_INSTANCES ? new RandomCrash(random) : CrashHook.NONE);
            }
            if (service.awaitTermination(Duration.ofMillis(50))) {
                crashes++;
                service = null;
                return false;
            }
            return h.plans().size() >= expected;
        }

        void close() {
            if (service != null) {
                service.close();
            }
        }
    }

    /**
     * Crashes at the first or second visit of a random stage. The draws are made when the instance
     * starts, not at each visit: how many visits a stage gets (offset-only commits visit SENT,
     * BEFORE_COMMIT and COMMITTED too, as often as the machine's speed allows) must not change
     * which crashes happen.
     */
    private static final class RandomCrash implements CrashHook {
        private final Stage stage;
        private int visitsLeft;

        RandomCrash(RandomGenerator random) {
            this.stage = Stage.values()[random.nextInt(Stage.values().length)];
            this.visitsLeft = 1 + random.nextInt(2);
        }

        @Override
        public void at(Stage at) {
            if (at == stage && visitsLeft > 0 && --visitsLeft == 0) {
                throw new Abandon(at);
            }
        }
    }

    /** The first {@value #CRASHING_INSTANCES} instances crash; later ones run to the end. */
    private static final int CRASHING_INSTANCES = 4;

    @Test
    void shouldKeepEpochsGaplessAndLoseNoTriggerAcrossCrashes() throws Exception {
        RandomGenerator random = new SplittableRandom(SEED);
        Restarting optimizer = new Restarting(random);
        try (OptimizerHarness h = new OptimizerHarness(broker, 1)) {
            h.model();
            h.fleet();
            for (int step = 0; step < RATES.length; step++) {
                h.demand(RATES[step], 0.01);
                int expected = step + 1;
                Awaitility.await("plan " + expected + " across crashes").atMost(Duration.ofMinutes(5)).pollInSameThread()
                        .pollInterval(Duration.ZERO).until(() -> optimizer.published(h, expected));
            }
            h.awaitDemandCommitted();
            optimizer.close();

            List<ChainPlan> plans = h.plans();
            assertThat(optimizer.crashes).as("crashes happened").isGreaterThanOrEqualTo(2);
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
