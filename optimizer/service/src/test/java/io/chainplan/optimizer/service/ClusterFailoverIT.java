package io.chainplan.optimizer.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.local.EmbeddedKafkaCluster;
import io.chainplan.optimizer.audit.PlanAudit;
import io.chainplan.optimizer.replan.PaperSolver;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.TriggerKind;
import io.chainplan.schemas.registry.InMemorySchemaRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The optimizer on a three-node in-process cluster (every topic replicated three times, {@code
 * min.insync.replicas} 2) while nodes fail under changing demand: a broker that is not the controller is
 * stopped and started again, then the active controller. Each demand estimate is acknowledged by the
 * cluster ({@code acks=all}) before the next; the plans topic must hold exactly one plan per estimate, epochs
 * 1..n without gap or duplicate, each solved for its estimate's rate, every one replaying exactly: no
 * acknowledged input lost, no trigger lost or published twice.
 */
class ClusterFailoverIT {
    private static final double[] RATES = {0.2, 0.4, 0.25, 0.5, 0.3, 0.6, 0.35, 0.2};

    /** What happens to the cluster after the plan of each step (index = step). */
    private enum Fault { NONE, STOP_BROKER, RESTART_BROKER, STOP_CONTROLLER, RESTART_CONTROLLER }

    private static final Fault[] AFTER_STEP = {Fault.NONE, Fault.STOP_BROKER, Fault.NONE, Fault.RESTART_BROKER,
        Fault.STOP_CONTROLLER, Fault.NONE, Fault.RESTART_CONTROLLER, Fault.NONE};

    @Test
    void shouldKeepPlansGaplessAndLoseNoAcknowledgedEstimateWhenABrokerAndThenTheControllerFail() throws Exception {
        try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(OptimizerHarness.tmp("cluster-failover-it"), 3);
             OptimizerHarness h = new OptimizerHarness(cluster.bootstrapServers(), 1, new InMemorySchemaRegistry(),
                     (short) 3, Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                             ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000))) {
            h.model();
            h.fleet();
            OptimizerService service = h.service("a", Map.of(), CrashHook.NONE);
            int stopped = -1;
            List<String> faults = new ArrayList<>();
            try {
                for (int step = 0; step < RATES.length; step++) {
                    h.demand(RATES[step], 0.01);
                    int expected = step + 1;
                    Awaitility.await("plan " + expected + " after " + faults).atMost(Duration.ofMinutes(3))
                            .pollInterval(Duration.ofMillis(100)).until(() -> h.plans().size() >= expected);
                    assertThat(service.awaitTermination(Duration.ZERO)).as("the optimizer keeps running").isFalse();
                    int controller = cluster.activeController();
                    switch (AFTER_STEP[step]) {
                        case STOP_BROKER -> {
                            stopped = cluster.runningNodes().stream().filter(n -> n != controller).findFirst().orElseThrow();
                            cluster.stop(stopped);
                        }
                        case STOP_CONTROLLER -> {
                            stopped = controller;
                            cluster.stop(stopped);
                        }
                        case RESTART_BROKER, RESTART_CONTROLLER -> cluster.restart(stopped);
                        case NONE -> {
                        }
                    }
                    if (AFTER_STEP[step] != Fault.NONE) {
                        faults.add(AFTER_STEP[step] + " node " + stopped + " (controller was " + controller + ")");
                    }
                }
                h.awaitDemandCommitted();
            } finally {
                service.close();
            }

            List<ChainPlan> plans = h.plans();
            assertThat(faults).hasSize(4);
            assertThat(plans).extracting(ChainPlan::getEpoch).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
            assertThat(plans).extracting(p -> p.getInputs().getArrivalRatePerSecond())
                    .containsExactly(0.2, 0.4, 0.25, 0.5, 0.3, 0.6, 0.35, 0.2);
            assertThat(plans.subList(1, plans.size())).extracting(p -> p.getTrigger().getKind())
                    .containsOnly(TriggerKind.DEMAND_SHIFT);
            PaperSolver solver = new PaperSolver(1);
            for (ChainPlan p : plans) {
                assertThat(PlanAudit.replay(p, solver).identical()).as("replay of epoch " + p.getEpoch()).isTrue();
            }
        }
    }
}
