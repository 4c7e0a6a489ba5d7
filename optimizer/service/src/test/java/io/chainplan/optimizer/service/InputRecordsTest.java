package io.chainplan.optimizer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainplan.optimizer.replan.ReplanPolicy;
import io.chainplan.schemas.avro.DemandEstimate;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.avro.ServerEstimate;
import io.chainplan.schemas.avro.ServerStatus;
import io.chainplan.schemas.registry.InMemorySchemaRegistry;
import io.chainplan.schemas.serde.AvroSerializer;
import io.chainplan.schemas.serde.DeadLetters;
import io.chainplan.schemas.serde.InputFailureException;
import io.chainplan.schemas.serde.RegistryUnavailableException;
import io.chainplan.schemas.serde.Topics;
import io.chainplan.schemas.testing.SwitchableRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The input edge on records built in memory: no broker, an in-memory registry. */
class InputRecordsTest {
    private static final Topics TOPICS = Topics.defaults();
    private static final String MODEL = "m";

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final AvroSerializer<SpecificRecord> ser = new AvroSerializer<>(registry, false);
    private final ModelViews views = new ModelViews(Optional.empty(), 0.001);
    private final OptimizerConfig config = OptimizerConfig.from(Map.of());
    private final ReplanScheduler scheduler = new ReplanScheduler(new ReplanPolicy(config.replan()),
            config.replan().maxAgeMillis());
    private final PartitionOwnership ownership = new PartitionOwnership(TOPICS.demandEstimates());
    private final OptimizerMetrics metrics = new OptimizerMetrics(new SimpleMeterRegistry());
    private long offset;

    private InputRecords inputs(Map<String, String> settings) {
        ownership.partitionCounts(1, 1);
        TopicPartition p0 = new TopicPartition(TOPICS.demandEstimates(), 0);
        ownership.assign(List.of(p0), Map.of(), Map.of(p0, 0L));
        return new InputRecords(TOPICS, OptimizerConfig.from(settings), views, scheduler, ownership, metrics,
                registry);
    }

    private ConsumerRecord<byte[], byte[]> record(String topic, String key, SpecificRecord value) {
        return raw(topic, key, ser.serialize(topic, value));
    }

    private ConsumerRecord<byte[], byte[]> raw(String topic, String key, byte[] value) {
        return new ConsumerRecord<>(topic, 0, offset++, key.getBytes(StandardCharsets.UTF_8), value);
    }

    private static ModelSpec model(int blocks) {
        return ModelSpec.newBuilder().setId(MODEL).setBlocks(blocks).setBlockBytes(1_000).setCacheBytesPerBlockPerJob(10)
                .build();
    }

    private static ServerEstimate server(String id, long memory) {
        return ServerEstimate.newBuilder().setServerId(id).setModelId(MODEL).setTimestampMillis(Instant.EPOCH)
                .setMemoryBytes(memory).setCommSeconds(0.01).setPerBlockComputeSeconds(0.1)
                .setStatus(ServerStatus.UP).setLastSeenMillis(Instant.EPOCH).build();
    }

    private static DemandEstimate demand(double rate) {
        return DemandEstimate.newBuilder().setModelId(MODEL).setTimestampMillis(Instant.EPOCH)
                .setArrivalRatePerSecond(rate).setLowerPerSecond(0).setUpperPerSecond(2).setWindowSeconds(60)
                .setArrivals(10).build();
    }

    @Test
    void shouldMapValidRecordsIntoTheViewAndMarkTheirModelsDirty() {
        InputRecords in = inputs(Map.of());
        in.onBroadcast(record(TOPICS.models(), MODEL, model(8)), false);
        in.onBroadcast(record(TOPICS.serverEstimates(), "s1", server("s1", 100_000)), true);
        in.onDemand(record(TOPICS.demandEstimates(), MODEL, demand(0.5)));

        assertThat(views.view(MODEL)).hasValueSatisfying(v -> {
            assertThat(v.model().blocks()).isEqualTo(8);
            assertThat(v.upServers()).extracting(s -> s.id()).containsExactly("s1");
            assertThat(v.demand().ratePerSecond()).isEqualTo(0.5);
        });
        assertThat(scheduler.isCandidate(MODEL, 0)).isTrue();
        assertThat(in.pendingDeadLetters()).isEmpty();
    }

    @Test
    void shouldDeadLetterBadLiveRecordsWithTheirStageAndKeepTheLastGoodValue() {
        InputRecords in = inputs(Map.of());
        in.onBroadcast(record(TOPICS.models(), MODEL, model(8)), false);
        in.onBroadcast(record(TOPICS.models(), MODEL, model(0)), true);
        in.onDemand(raw(TOPICS.demandEstimates(), MODEL, new byte[] {0, 0, 0, 0, 42}));
        in.onDemand(record(TOPICS.demandEstimates(), "other", DemandEstimate.newBuilder(demand(1)).setModelId("other").build()));

        assertThat(in.pendingDeadLetters()).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.HEADER_STAGE))
                .containsExactly("validate", "deserialize", "unknown-model");
        assertThat(views.model(MODEL)).map(m -> m.spec().blocks()).contains(8);
        assertThat(metrics.deadLetters()).isEqualTo(3);

        in.deadLettersWritten();
        assertThat(in.pendingDeadLetters()).isEmpty();
    }

    @Test
    void shouldSkipBadRecordsOnRestoreButFailTheStartWhileTheLatestOfAKeyIsBadUnderFail() {
        InputRecords in = inputs(Map.of(OptimizerConfig.MODELS_FAILURE_MODE_CONFIG, "fail"));
        in.onBroadcast(record(TOPICS.models(), MODEL, model(8)), false);
        in.onBroadcast(record(TOPICS.models(), MODEL, model(0)), false);

        assertThatThrownBy(in::failOnBadLatest).isInstanceOfSatisfying(InputFailureException.class, e -> {
            assertThat(e.topic()).isEqualTo(TOPICS.models());
            assertThat(e.offset()).isEqualTo(1);
        });

        InputRecords again = inputs(Map.of(OptimizerConfig.MODELS_FAILURE_MODE_CONFIG, "fail"));
        again.onBroadcast(record(TOPICS.models(), MODEL, model(0)), false);
        again.onBroadcast(record(TOPICS.models(), MODEL, model(8)), false);
        again.failOnBadLatest();
        assertThat(again.pendingDeadLetters()).isEmpty();
    }

    @Test
    void shouldLeaveBadBroadcastRecordsOfAnotherInstancesPartitionToItUnlessTheModeIsFail() {
        InputRecords in = inputs(Map.of(OptimizerConfig.SERVERS_FAILURE_MODE_CONFIG, "log-and-skip"));
        ownership.revoke(List.of(new TopicPartition(TOPICS.demandEstimates(), 0)));
        in.onBroadcast(record(TOPICS.serverEstimates(), "neg", server("neg", -5)), true);
        assertThat(metrics.skippedRecords()).isZero();

        InputRecords failing = inputs(Map.of(OptimizerConfig.SERVERS_FAILURE_MODE_CONFIG, "fail"));
        ownership.revoke(List.of(new TopicPartition(TOPICS.demandEstimates(), 0)));
        assertThatThrownBy(() -> failing.onBroadcast(record(TOPICS.serverEstimates(), "neg", server("neg", -5)), true))
                .isInstanceOf(InputFailureException.class).hasMessageContaining("memoryBytes of server neg");
    }

    @Test
    void shouldDeadLetterWhatTheIngestWouldAlsoRejectSoNoServerReachesTheSolverWithAbsurdValues() {
        InputRecords in = inputs(Map.of());
        in.onBroadcast(record(TOPICS.models(), MODEL, model(8)), false);
        in.onBroadcast(record(TOPICS.serverEstimates(), "ok", server("ok", 100_000)), true);
        in.onBroadcast(record(TOPICS.serverEstimates(), "max", server("max", Long.MAX_VALUE)), true);
        in.onBroadcast(record(TOPICS.serverEstimates(), "pb", server("pb", 1_000_000_000_000_000L)), true);
        in.onBroadcast(record(TOPICS.models(), "zero", ModelSpec.newBuilder(model(8)).setId("zero").setBlockBytes(0).build()), true);
        in.onDemand(record(TOPICS.demandEstimates(), MODEL, demand(1e300)));

        assertThat(in.pendingDeadLetters()).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.HEADER_EXCEPTION_MESSAGE))
                .containsExactly(
                        "memoryBytes of server max must be in [0, 17592186044416] (16 TiB), was " + Long.MAX_VALUE,
                        "memoryBytes of server pb must be in [0, 17592186044416] (16 TiB), was 1000000000000000",
                        "blockBytes of model zero must be in [1, 17592186044416] (16 TiB), was 0",
                        "arrivalRatePerSecond of model m must be a finite number in [0, 1000000] requests per second, was 1.0E300");
        assertThat(views.modelIds()).containsExactly(MODEL);
        assertThat(views.view(MODEL)).isEmpty();
        in.onDemand(record(TOPICS.demandEstimates(), MODEL, demand(0.5)));
        assertThat(views.view(MODEL)).hasValueSatisfying(v -> assertThat(v.upServers()).extracting(x -> x.id())
                .containsExactly("ok"));
    }

    @Test
    void shouldNeitherApplyNorRejectARecordTheRegistryCannotServeOnRestoreOrLive() {
        SwitchableRegistry down = new SwitchableRegistry();
        AvroSerializer<SpecificRecord> writer = new AvroSerializer<>(down.inner(), false);
        ownership.partitionCounts(1, 1);
        TopicPartition p0 = new TopicPartition(TOPICS.demandEstimates(), 0);
        ownership.assign(List.of(p0), Map.of(), Map.of(p0, 0L));
        InputRecords in = new InputRecords(TOPICS, config, views, scheduler, ownership, metrics, down);
        ConsumerRecord<byte[], byte[]> spec = raw(TOPICS.models(), MODEL, writer.serialize(TOPICS.models(), model(8)));
        ConsumerRecord<byte[], byte[]> estimate = raw(TOPICS.demandEstimates(), MODEL,
                writer.serialize(TOPICS.demandEstimates(), demand(0.5)));
        down.failWith(401);

        assertThatThrownBy(() -> in.onBroadcast(spec, false)).isInstanceOf(RegistryUnavailableException.class);
        assertThatThrownBy(() -> in.onBroadcast(spec, true)).isInstanceOf(RegistryUnavailableException.class);
        assertThatThrownBy(() -> in.onDemand(estimate)).isInstanceOf(RegistryUnavailableException.class);

        assertThat(views.knowsModel(MODEL)).isFalse();
        assertThat(in.pendingDeadLetters()).isEmpty();
        in.failOnBadLatest();
        down.up();
        in.onBroadcast(spec, false);
        in.onDemand(estimate);
        in.onBroadcast(raw(TOPICS.serverEstimates(), "s1",
                writer.serialize(TOPICS.serverEstimates(), server("s1", 100_000))), true);
        assertThat(views.knowsModel(MODEL)).isTrue();
        assertThat(views.view(MODEL)).isPresent();
        assertThat(in.pendingDeadLetters()).isEmpty();
    }

    @Test
    void shouldUseTheAcceptedSpecOnlyWhereTheModelsTopicHasNoGoodOne() {
        InputRecords in = inputs(Map.of());
        in.onBroadcast(record(TOPICS.acceptedModels(), MODEL, model(8)), false);
        in.onBroadcast(record(TOPICS.models(), MODEL, model(0)), false);
        assertThat(views.model(MODEL)).hasValueSatisfying(m -> assertThat(m.spec().blocks()).isEqualTo(8));

        in.onBroadcast(record(TOPICS.models(), MODEL, model(16)), true);
        in.onBroadcast(record(TOPICS.acceptedModels(), MODEL, model(12)), true);
        assertThat(views.model(MODEL)).as("the models topic's good spec comes first")
                .hasValueSatisfying(m -> assertThat(m.spec().blocks()).isEqualTo(16));

        in.onBroadcast(raw(TOPICS.models(), MODEL, null), true);
        assertThat(views.knowsModel(MODEL)).as("until the ingest deletes its accepted copy too").isTrue();
        in.onBroadcast(raw(TOPICS.acceptedModels(), MODEL, null), true);
        assertThat(views.knowsModel(MODEL)).isFalse();
        assertThat(views.modelIds()).isEmpty();
    }
}
