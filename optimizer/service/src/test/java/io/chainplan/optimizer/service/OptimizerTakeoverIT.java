package io.chainplan.optimizer.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.local.EmbeddedKafkaBroker;
import io.chainplan.schemas.avro.ChainPlan;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two instances in one consumer group on a demand-estimates topic with two partitions and four
 * models (two per partition). One instance is killed (no abort, no commit, no leave-group); the
 * other takes over its models after {@code session.timeout.ms}. Per model, epochs stay 1..n without
 * gap or duplicate, and the demand that arrived while failing over is planned for.
 * <p>Nothing here depends on how fast the machine runs: the session timeout (6 s, heartbeats every
 * 500 ms) leaves room for threads starved for seconds on a loaded machine, so no member is dropped
 * by accident, and the transaction left open by an instance killed mid-publish has a timeout (5 min)
 * that no failover reaches; the test ends it itself, as a restarted instance would (a producer with
 * the killed instance's transactional id fences it), once the survivor is seen waiting for it.
 * Waits are for conditions, with bounds far above what they take.
 */
class OptimizerTakeoverIT {
    private static final int PARTITIONS = 2;
    private static final List<String> MODELS = OptimizerHarness.modelsSpreadOver(4, PARTITIONS);
    private static final Map<String, String> KAFKA = Map.of("session.timeout.ms", "6000",
            "heartbeat.interval.ms", "500");
    /** Longer than any failover takes: the open transaction ends only when the test fences it. */
    private static final String LONG_TRANSACTION_TIMEOUT_MS = "300000";
    private static final Duration TERMINATION = Duration.ofSeconds(60);
    private static EmbeddedKafkaBroker broker;

    private OptimizerHarness h;
    private final List<OptimizerService> services = new ArrayList<>();

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.start(OptimizerHarness.tmp("optimizer-takeover-it"), 0, Map.of(
                "group.min.session.timeout.ms", "500",
                "transaction.abort.timed.out.transaction.cleanup.interval.ms", "500"));
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        h = new OptimizerHarness(broker, PARTITIONS);
    }

    @AfterEach
    void tearDown() {
        services.forEach(OptimizerService::close);
        h.close();
    }

    /** Crashes at the first visit of the armed stage. */
    private static final class Armable implements CrashHook {
        private volatile Stage armed;

        @Override
        public void at(Stage stage) {
            if (stage == armed) {
                armed = null;
                throw new Abandon(stage);
            }
        }
    }

    private OptimizerService start(String instance, String txnTimeoutMs, CrashHook crash) {
        OptimizerService s = h.service(instance, Map.of(OptimizerConfig.TRANSACTION_TIMEOUT_MS_CONFIG, txnTimeoutMs),
                KAFKA, crash, new OptimizerMetrics(new SimpleMeterRegistry()));
        services.add(s);
        return s;
    }

    private void demandForAll(double rate) throws Exception {
        for (String m : MODELS) {
            h.demand(m, rate, rate * 0.97, rate * 1.03);
        }
    }

    private Map<String, List<ChainPlan>> byModel(List<ChainPlan> plans) {
        Map<String, List<ChainPlan>> out = new TreeMap<>();
        plans.forEach(p -> out.computeIfAbsent(p.getModelId(), k -> new ArrayList<>()).add(p));
        return out;
    }

    /** Waits until every model's last plan was solved for this rate. */
    private Map<String, List<ChainPlan>> awaitAllAt(double rate) {
        List<Map<String, List<ChainPlan>>> last = new ArrayList<>(List.of(Map.of()));
        OptimizerHarness.await("a plan at " + rate + " for every model", () -> {
            Map<String, List<ChainPlan>> m = byModel(h.plans());
            last.set(0, m);
            return m.size() == MODELS.size() && m.values().stream().allMatch(ps ->
                    ps.get(ps.size() - 1).getInputs().getArrivalRatePerSecond() == rate);
        });
        return last.get(0);
    }

    private void startSharing(OptimizerService a, OptimizerService b) throws Exception {
        h.sharedFleet();
        for (String m : MODELS) {
            h.model(m);
        }
        demandForAll(0.2);
        awaitAllAt(0.2);
        OptimizerHarness.await("two models each", () -> a.metrics().ownedModels() == 2
                && b.metrics().ownedModels() == 2);
    }

    private static void assertGaplessEpochsWithRates(Map<String, List<ChainPlan>> plans, double... rates) {
        assertThat(plans).containsOnlyKeys(MODELS);
        plans.forEach((model, ps) -> {
            assertThat(ps).as(model).extracting(ChainPlan::getEpoch)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, rates.length).boxed().toList());
            assertThat(ps).as(model).extracting(p -> p.getInputs().getArrivalRatePerSecond())
                    .containsExactlyElementsOf(java.util.Arrays.stream(rates).boxed().toList());
        });
    }

    @Test
    void shouldTakeOverTheModelsOfAKilledInstanceWithGaplessEpochs() throws Exception {
        OptimizerService a = start("a", "4000", CrashHook.NONE);
        OptimizerService b = start("b", "4000", CrashHook.NONE);
        startSharing(a, b);
        double aBefore = a.metrics().plansPublished();
        double bBefore = b.metrics().plansPublished();
        demandForAll(0.4);
        awaitAllAt(0.4);
        assertThat(a.metrics().plansPublished() - aBefore).as("a planned its two models").isEqualTo(2);
        assertThat(b.metrics().plansPublished() - bBefore).as("b planned its two models").isEqualTo(2);

        b.kill();
        assertThat(b.awaitTermination(TERMINATION)).isTrue();
        demandForAll(0.8);
        awaitAllAt(0.8);
        OptimizerHarness.await("a owns every model", () -> a.metrics().ownedModels() == MODELS.size());
        demandForAll(0.3);
        Map<String, List<ChainPlan>> plans = awaitAllAt(0.3);
        h.awaitDemandCommitted();

        assertGaplessEpochsWithRates(byModel(h.plans()), 0.2, 0.4, 0.8, 0.3);
        assertThat(plans.values()).allSatisfy(ps -> assertThat(ps).hasSize(4));
        assertThat(b.metrics().plansPublished() - bBefore).as("b published nothing after it died").isEqualTo(2);
        assertThat(a.metrics().recoveryRecordsRead()).as("recovery read plans back from the end").isPositive();
    }

    /** Fences the transactional id of an instance, as its restarted process would: aborts its open transaction. */
    private void fence(String instance) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, h.config(instance, Map.of()).transactionalId());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.initTransactions();
        }
    }

    @Test
    void shouldWaitForTheOpenTransactionOfAnInstanceKilledMidPublish() throws Exception {
        OptimizerService a = start("a", LONG_TRANSACTION_TIMEOUT_MS, CrashHook.NONE);
        Armable crash = new Armable();
        OptimizerService b = start("b", LONG_TRANSACTION_TIMEOUT_MS, crash);
        startSharing(a, b);
        double waitsBefore = a.metrics().recoveryTransactionWaits();

        crash.armed = CrashHook.Stage.SENT;
        demandForAll(0.4);
        assertThat(b.awaitTermination(TERMINATION)).as("b crashed with a plan sent, not committed").isTrue();
        OptimizerHarness.await("a waiting for b's open transaction", () -> a.metrics().waitingForTransactions());
        fence("b");
        awaitAllAt(0.4);
        h.awaitDemandCommitted();

        assertGaplessEpochsWithRates(byModel(h.plans()), 0.2, 0.4);
        assertThat(a.metrics().recoveryTransactionWaits() - waitsBefore)
                .as("a waited for b's open transaction to be aborted").isGreaterThanOrEqualTo(1);
        assertThat(a.metrics().ownedModels()).isEqualTo(MODELS.size());
    }
}
