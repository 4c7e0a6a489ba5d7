package io.chainplan.optimizer.service;

import static io.chainplan.optimizer.service.OptimizerHarness.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.local.EmbeddedKafkaBroker;
import io.chainplan.local.registry.EmbeddedSchemaRegistry;
import io.chainplan.optimizer.replan.PaperSolver;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.DemandEstimate;
import io.chainplan.schemas.avro.PlanStatus;
import io.chainplan.schemas.avro.ServerParameters;
import io.chainplan.schemas.avro.TriggerKind;
import io.chainplan.schemas.registry.RestSchemaRegistryClient;
import io.chainplan.schemas.testing.CountingRegistry;
import io.chainplan.schemas.serde.FreshSchemaIds;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, item 3, for the optimizer on the in-process broker and the embedded registry over
 * HTTP: an optimizer started while the registry is down (so it has no schema cached) must not skip
 * the model spec and server estimates it restores; once the registry is back it publishes the plan
 * from all of them. A second outage while it runs, with a demand estimate written under a schema id
 * it has not fetched: the estimate is neither dead-lettered nor skipped, and planned for once the
 * registry is back.
 */
class OptimizerRegistryOutageIT {
    @TempDir
    Path dir;

    @Test
    void shouldPlanFromEveryInputOnceTheRegistryIsBackAndDeadLetterNothing() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0)) {
            EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(broker.bootstrapServers(), 0);
            int port = registry.port();
            RestSchemaRegistryClient producers = RestSchemaRegistryClient.create(registry.url());
            CountingRegistry optimizerRegistry = new CountingRegistry(RestSchemaRegistryClient.builder(registry.url())
                    .timeout(Duration.ofSeconds(2)).build());
            OptimizerMetrics metrics = new OptimizerMetrics(new SimpleMeterRegistry());
            OptimizerService service = null;
            try (OptimizerHarness h = new OptimizerHarness(broker, 1, producers)) {
                h.model();
                h.fleet();
                h.demand(0.2, 0.01);
                int sent = 1 + OptimizerHarness.SERVERS + 1;
                int demandId = FreshSchemaIds.register(producers, h.topics.demandEstimates(), DemandEstimate.getClassSchema(),
                        "outage IT");
                registry.close();

                service = new OptimizerService(h.client(), h.config("a", Map.of()), optimizerRegistry, new PaperSolver(1),
                        h.clock, metrics, CrashHook.NONE).start();
                OptimizerHarness.await("the optimizer finding the registry down for longer than its retries",
                        optimizerRegistry::outlastedRetries);
                assertThat(h.deadLetters()).as("nothing dead-lettered while down").isEmpty();
                registry = EmbeddedSchemaRegistry.start(broker.bootstrapServers(), port);

                ChainPlan first = h.awaitPlans(1).get(0);
                assertThat(first.getStatus()).isEqualTo(PlanStatus.OK);
                assertThat(first.getInputs().getServers()).extracting(ServerParameters::getServerId)
                        .as("every server estimate restored").hasSize(OptimizerHarness.SERVERS);
                assertThat(first.getInputs().getArrivalRatePerSecond()).isEqualTo(0.2);
                int refusedAtStart = optimizerRegistry.unavailable();
                optimizerRegistry.reset();

                registry.close();
                h.send(h.topics.demandEstimates(), MODEL, FreshSchemaIds.encode(demandId, DemandEstimate.newBuilder()
                        .setModelId(MODEL).setTimestampMillis(Instant.ofEpochMilli(h.clock.millis()))
                        .setArrivalRatePerSecond(0.4).setLowerPerSecond(0.38).setUpperPerSecond(0.42).setWindowSeconds(60)
                        .setArrivals(100).build()));
                sent++;
                OptimizerHarness.await("the running optimizer finding the registry down for longer than its retries",
                        optimizerRegistry::outlastedRetries);
                int refusedRunning = optimizerRegistry.unavailable();
                assertThat(h.deadLetters()).as("nothing dead-lettered during the second outage").isEmpty();
                registry = EmbeddedSchemaRegistry.start(broker.bootstrapServers(), port);

                List<ChainPlan> plans = h.awaitPlans(2);
                assertThat(plans.get(1).getTrigger().getKind()).isEqualTo(TriggerKind.DEMAND_SHIFT);
                assertThat(plans.get(1).getInputs().getArrivalRatePerSecond()).isEqualTo(0.4);
                h.awaitDemandCommitted();
                assertThat(h.deadLetters()).isEmpty();
                assertThat(service.failure()).isNull();
                double unreadable = metrics.registry().find("chainplan.optimizer.registry.unavailable").counters().stream()
                        .mapToDouble(c -> c.count()).sum();
                assertThat(unreadable).isPositive();
                System.out.printf("registry outage (optimizer): records sent %d (1 model spec, %d server estimates, 2 demand "
                                + "estimates), registry calls refused %d at start and %d while running, reads repeated %.0f, "
                                + "dead-lettered 0, plans %d (the second for the estimate written during the outage)%n",
                        sent, OptimizerHarness.SERVERS, refusedAtStart, refusedRunning, unreadable, plans.size());
            } finally {
                if (service != null) {
                    service.close();
                }
                registry.close();
            }
        }
    }
}
