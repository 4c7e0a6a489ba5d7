package io.chainplan.ingest.topology;

import static io.chainplan.ingest.testing.Events.arrived;
import static io.chainplan.ingest.testing.Events.completed;
import static io.chainplan.ingest.testing.Events.gpuMetricJson;
import static io.chainplan.ingest.testing.Events.hop;
import static io.chainplan.ingest.testing.Events.model;
import static io.chainplan.ingest.testing.Events.telemetry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.chainplan.ingest.testing.RecordingIngestMetrics;
import io.chainplan.schemas.avro.DemandEstimate;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.avro.RequestEvent;
import io.chainplan.schemas.avro.ServerEstimate;
import io.chainplan.schemas.avro.ServerStatus;
import io.chainplan.schemas.avro.ServerTelemetry;
import io.chainplan.schemas.avro.TokenTimingEstimate;
import io.chainplan.optimizer.model.TokenTimings;
import io.chainplan.schemas.registry.InMemorySchemaRegistry;
import io.chainplan.schemas.serde.DeadLetters;
import io.chainplan.schemas.serde.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IngestTopologyTest {
    private static final Topics TOPICS = Topics.defaults();
    private static final String GPU_TOPIC = "dcgm.metrics";
    private static final long T0 = 1_700_000_000_000L;
    private static final long GIB = 1L << 30;
    private static final String MODEL = "llama-2-7b";
    private static final long TOKENS_SEED = 1701L;

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final RecordingIngestMetrics metrics = new RecordingIngestMetrics();
    private TopologyTestDriver driver;
    private TestInputTopic<String, ModelSpec> models;
    private TestInputTopic<String, RequestEvent> requests;
    private TestInputTopic<String, ServerTelemetry> telemetry;
    private TestInputTopic<byte[], byte[]> rawRequests;
    private TestInputTopic<String, String> gpu;
    private TestOutputTopic<String, DemandEstimate> demand;
    private TestOutputTopic<String, ServerEstimate> servers;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeEach
    void setUp() {
        IngestSettings settings = IngestSettings.defaults().withGpuMetrics(GPU_TOPIC, List.of("Hostname", "gpu"));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ingest-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandlers.Processing.class);
        props.put(DeadLetterExceptionHandlers.DEAD_LETTER_TOPIC_CONFIG, TOPICS.deadLetters());
        driver = new TopologyTestDriver(IngestTopology.build(TOPICS, registry, settings, metrics), props, Instant.ofEpochMilli(T0));
        StringSerializer keys = new StringSerializer();
        models = driver.createInputTopic(TOPICS.models(), keys, Topics.valueSerde(ModelSpec.class, registry).serializer());
        requests = driver.createInputTopic(TOPICS.requests(), keys, Topics.valueSerde(RequestEvent.class, registry).serializer());
        telemetry = driver.createInputTopic(TOPICS.telemetry(), keys, Topics.valueSerde(ServerTelemetry.class, registry).serializer());
        rawRequests = driver.createInputTopic(TOPICS.requests(), new ByteArraySerializer(), new ByteArraySerializer());
        gpu = driver.createInputTopic(GPU_TOPIC, keys, keys);
        demand = driver.createOutputTopic(TOPICS.demandEstimates(), new StringDeserializer(),
                Topics.valueSerde(DemandEstimate.class, registry).deserializer());
        servers = driver.createOutputTopic(TOPICS.serverEstimates(), new StringDeserializer(),
                Topics.valueSerde(ServerEstimate.class, registry).deserializer());
        deadLetters = driver.createOutputTopic(TOPICS.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        models.pipeInput(MODEL, model(MODEL, 32), T0 - 60_000);
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private void arrivals(long from, long to, long gapMillis) {
        for (long t = from; t < to; t += gapMillis) {
            requests.pipeInput(MODEL, arrived(MODEL, "r" + t, t, 1000), t);
        }
    }

    @Test
    void shouldPublishADemandEstimateAtTheFirstStepThenOnHeartbeatsUnderAConstantRate() {
        arrivals(T0, T0 + 130_000, 500);
        List<TestRecord<String, DemandEstimate>> out = demand.readRecordsToList();
        assertThat(out).isNotEmpty();
        DemandEstimate first = out.get(0).value();
        assertThat(first.getModelId()).isEqualTo(MODEL);
        assertThat(first.getTimestampMillis()).isEqualTo(Instant.ofEpochMilli(T0 + 5_000));
        assertThat(first.getArrivals()).isEqualTo(10);
        DemandEstimate last = out.get(out.size() - 1).value();
        assertThat(last.getArrivalRatePerSecond()).isCloseTo(2.0, within(1e-9));
        assertThat(last.getLowerPerSecond()).isLessThan(2.0);
        assertThat(last.getUpperPerSecond()).isGreaterThan(2.0);
        assertThat(last.getMeanInputTokens()).isEqualTo(1000.0);
        // constant rate: the first estimate, then only heartbeats (every 60 s of event time)
        assertThat(out).extracting(r -> r.value().getTimestampMillis().toEpochMilli() - T0)
                .containsExactly(5_000L, 65_000L, 125_000L);
        assertThat(out.get(1).timestamp()).isEqualTo(T0 + 65_000);
        assertThat(metrics.count("in:" + TOPICS.requests())).isEqualTo(260);
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldPublishPromptlyWhenTheRateDoubles() {
        arrivals(T0, T0 + 300_000, 500);
        demand.readRecordsToList();
        driver.advanceWallClockTime(Duration.ofSeconds(300));
        arrivals(T0 + 300_000, T0 + 360_000, 250);
        List<DemandEstimate> out = demand.readValuesToList();
        assertThat(out).isNotEmpty();
        DemandEstimate crossed = out.stream().filter(e -> e.getArrivalRatePerSecond() > 3).findFirst().orElseThrow();
        assertThat(crossed.getTimestampMillis().toEpochMilli() - (T0 + 300_000)).isLessThanOrEqualTo(60_000);
    }

    @Test
    void shouldPublishTheBurstinessOfTheRegimeWithEveryDemandEstimate() {
        // 2 req/s, and in the first 10 s of every minute 20 req/s: bursts the rate estimator does not follow
        for (long t = T0; t < T0 + 660_000; ) {
            requests.pipeInput(MODEL, arrived(MODEL, "r" + t, t, 1000), t);
            t += (t - T0) % 60_000 < 10_000 ? 50 : 500;
            if ((t - T0) % 60_000 == 0) {
                driver.advanceWallClockTime(Duration.ofSeconds(60)); // keep event times within the future-skew limit
            }
        }
        List<DemandEstimate> out = demand.readValuesToList();
        DemandEstimate first = out.get(0);
        assertThat(first.getDispersions()).as("one bucket: no window fits twice").isEmpty();
        assertThat(first.getBurstinessSeconds()).isEqualTo(5.0);
        assertThat(first.getBurstinessArrivals()).isEqualTo(100);
        assertThat(first.getPeakRatePerSecond()).isEqualTo(20.0);
        assertThat(out).allSatisfy(e -> assertThat(e.getDispersions()).allSatisfy(d -> {
            assertThat(d.getIndex()).isFinite().isGreaterThanOrEqualTo(0);
            assertThat(d.getWindows()).isGreaterThanOrEqualTo(2);
        }));
        DemandEstimate last = out.get(out.size() - 1);
        assertThat(last.getArrivalRatePerSecond()).as("the rate ignores the bursts").isLessThan(3.0);
        assertThat(last.getDispersions()).extracting(d -> d.getWindowSeconds()).containsExactly(5.0, 10.0, 60.0);
        assertThat(last.getDispersions().get(0).getIndex()).as("5 s windows").isGreaterThan(10);
        assertThat(last.getDispersions().get(1).getIndex()).as("10 s windows").isGreaterThan(10);
        assertThat(last.getDispersions().get(2).getIndex()).as("every minute looks the same").isZero();
        assertThat(last.getBurstinessSeconds()).isBetween(300.0, 600.0);
        assertThat(last.getBurstinessArrivals() / last.getBurstinessSeconds()).as("300 arrivals a minute")
                .isCloseTo(5.0, within(0.2));
        assertThat(last.getPeakRatePerSecond()).isEqualTo(20.0);
    }

    @Test
    void shouldDeadLetterPoisonWithOriginalBytesAndHeadersAndKeepGoing() {
        byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace-id", "abc".getBytes(StandardCharsets.UTF_8));
        rawRequests.pipeInput(new TestRecord<>(MODEL.getBytes(StandardCharsets.UTF_8), garbage, headers, T0));
        requests.pipeInput(MODEL, completed(MODEL, "bad-hop", T0, 5, List.of(hop("s1", 0, 16, -1.0, 0.01))), T0);
        requests.pipeInput("other", arrived("other", "unknown-model", T0, 10), T0);
        requests.pipeInput(MODEL, arrived(MODEL, "future", T0 + 3_600_000, 10), T0);
        requests.pipeInput(MODEL, completed(MODEL, "nan", T0, 5, List.of(hop("s1", 0, 16, Double.NaN, 0.01))), T0);
        requests.pipeInput(MODEL, completed(MODEL, "past-L", T0, 5, List.of(hop("s1", 0, 33, 1.0, 0.01))), T0);
        arrivals(T0, T0 + 10_000, 500);

        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).hasSize(6);
        TestRecord<byte[], byte[]> first = dead.get(0);
        assertThat(first.value()).isEqualTo(garbage);
        assertThat(first.key()).isEqualTo(MODEL.getBytes(StandardCharsets.UTF_8));
        assertThat(DeadLetters.header(first.headers(), DeadLetters.HEADER_STAGE)).isEqualTo("deserialize");
        assertThat(DeadLetters.header(first.headers(), DeadLetters.HEADER_TOPIC)).isEqualTo(TOPICS.requests());
        assertThat(DeadLetters.header(first.headers(), DeadLetters.HEADER_OFFSET)).isEqualTo("0");
        assertThat(DeadLetters.header(first.headers(), DeadLetters.HEADER_PARTITION)).isEqualTo("0");
        assertThat(DeadLetters.header(first.headers(), DeadLetters.HEADER_EXCEPTION_CLASS)).contains("WireFormatException");
        assertThat(DeadLetters.header(first.headers(), "trace-id")).isEqualTo("abc");
        assertThat(dead.subList(1, 6)).allSatisfy(r ->
                assertThat(DeadLetters.header(r.headers(), DeadLetters.HEADER_STAGE)).isEqualTo("validate"));
        assertThat(dead).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.HEADER_EXCEPTION_MESSAGE))
                .satisfiesExactly(
                        m -> assertThat(m).contains("magic byte"),
                        m -> assertThat(m).contains("computeSeconds must be a finite number in (0, 86400] seconds, was -1.0"),
                        m -> assertThat(m).contains("unknown model \"other\""),
                        m -> assertThat(m).contains("in the future"),
                        m -> assertThat(m).contains("computeSeconds must be a finite number in (0, 86400] seconds, was NaN"),
                        m -> assertThat(m).contains("0 <= start < end <= 32"));
        assertThat(DeadLetters.header(dead.get(2).headers(), DeadLetters.HEADER_OFFSET)).isEqualTo("2");
        assertThat(metrics.count("dead:" + TOPICS.requests() + ":validate")).isEqualTo(5);
        assertThat(metrics.count("dead:" + TOPICS.requests() + ":deserialize")).isEqualTo(1);
        assertThat(demand.readValuesToList()).as("good records after the poison are still processed").isNotEmpty();
    }

    @Test
    void shouldEstimateAServerFromTelemetryThenFromMeasuredHops() {
        telemetry.pipeInput("s1", telemetry("s1", MODEL, T0, 40 * GIB, 0.02, 0.109), T0);
        ServerEstimate declared = servers.readValue();
        assertThat(declared.getMemoryBytes()).isEqualTo(39 * GIB);
        assertThat(declared.getPerBlockComputeSeconds()).isEqualTo(0.109);
        assertThat(declared.getComputeSamples()).isZero();
        assertThat(declared.getStatus()).isEqualTo(ServerStatus.UP);
        assertThat(declared.getModelId()).isEqualTo(MODEL);
        for (int i = 0; i < 30; i++) {
            long t = T0 + 1_000L * i;
            double noise = i % 7 == 3 ? 30.0 : 1.0 + 0.01 * (i % 3);
            requests.pipeInput(MODEL, completed(MODEL, "c" + i, t, 20,
                    List.of(hop("s1", 0, 20, 0.2 * 20 * noise, 0.05), hop("s2", 20, 32, 0.15 * 12, 0.04))), t);
        }
        List<ServerEstimate> out = servers.readValuesToList();
        ServerEstimate measured = out.get(out.size() - 1);
        assertThat(measured.getServerId()).isEqualTo("s1");
        assertThat(measured.getComputeSamples()).isGreaterThanOrEqualTo(10);
        assertThat(measured.getPerBlockComputeSeconds()).isCloseTo(0.2, within(0.01));
        assertThat(measured.getCommSeconds()).isCloseTo(0.05, within(1e-3));
        assertThat(out).noneMatch(e -> e.getServerId().equals("s2")); // no telemetry, no memory: no estimate
    }

    @Test
    void shouldFitPerTokenCoefficientsFromHopsAndTheirRequestsTokens() {
        // the paper's high-performance server; it declares tau_c, tau_p right for the spec's 2000 in / 20 out
        TokenTimings truth = new TokenTimings(0.001, 5e9 / 120e12, 1.32e9 / 1.02e12, 0.02, 0.02);
        telemetry.pipeInput("s1", telemetry("s1", MODEL, T0, 40 * GIB, truth.commSeconds(20), truth.perBlockSeconds(2000, 20)), T0);
        ServerEstimate declared = servers.readValue();
        assertThat(declared.getTokenTimings().getComputeFallback()).isEqualTo("too-few-samples");
        assertThat(declared.getTokenTimings().getComputeSamples()).isZero();
        assertThat(declared.getTokenTimings().getReferenceOutputTokens()).isEqualTo(20.0);
        assertThat(declared.getPerBlockComputeSeconds()).isCloseTo(truth.perBlockSeconds(2000, 20), within(1e-12));

        SplittableRandom random = new SplittableRandom(TOKENS_SEED);
        for (int i = 0; i < 400; i++) {
            long t = T0 + 500L * i;
            int in = 1 + random.nextInt(4000);
            int out = 1 + random.nextInt(400);
            double compute = 20 * truth.perBlockSeconds(in, out) * (1 + 0.1 * random.nextGaussian()) * (i % 37 == 5 ? 30 : 1);
            double network = truth.commSeconds(out) * (1 + 0.1 * random.nextGaussian()) + (i % 41 == 7 ? 5 : 0);
            requests.pipeInput(MODEL, completed(MODEL, "c" + i, t, in, out, List.of(hop("s1", 0, 20, Math.max(0, compute),
                    Math.max(0, network)))), t);
        }
        List<ServerEstimate> out = servers.readValuesToList();
        ServerEstimate fitted = out.get(out.size() - 1);
        TokenTimingEstimate tt = fitted.getTokenTimings();
        assertThat(tt.getComputeFallback()).isEmpty();
        assertThat(tt.getCommFallback()).isEmpty();
        assertThat(tt.getComputeSamples()).isGreaterThan(300);
        assertThat(tt.getPrefillSecondsPerToken()).isCloseTo(truth.prefillSecondsPerToken(), within(0.2 * truth.prefillSecondsPerToken()));
        assertThat(tt.getDecodeSecondsPerToken()).isCloseTo(truth.decodeSecondsPerToken(), within(0.1 * truth.decodeSecondsPerToken()));
        assertThat(tt.getCommSecondsPerToken()).isCloseTo(truth.commSecondsPerToken(), within(0.1 * truth.commSecondsPerToken()));
        assertThat(tt.getDecodePerTokenStdErr()).isPositive().isLessThan(0.1 * truth.decodeSecondsPerToken());
        assertThat(tt.getReferenceOutputTokens()).as("the recent mix, not the declared 20").isBetween(150.0, 250.0);
        double atMix = truth.perBlockSeconds(tt.getReferenceInputTokens(), tt.getReferenceOutputTokens());
        assertThat(fitted.getPerBlockComputeSeconds()).isCloseTo(atMix, within(0.05 * atMix));
        assertThat(fitted.getComputeSamples()).isEqualTo(tt.getComputeSamples());
        assertThat(metrics.count("timingFallback:compute:too-few-samples")).isPositive();
        assertThat(metrics.count("timingFallback:compute:missing-tokens")).isZero();
    }

    @Test
    void shouldFallBackToDeclaredTimingsOnBadTokenCountsAndKeepEstimating() {
        telemetry.pipeInput("s1", telemetry("s1", MODEL, T0, 40 * GIB, 0.4, 0.109), T0);
        servers.readValuesToList();
        // hops of requests that report no tokens (0), or no prompt: measured, but not fitted
        for (int i = 0; i < 20; i++) {
            long t = T0 + 100L * i;
            requests.pipeInput(MODEL, completed(MODEL, "a" + i, t, 0, 0, List.of(hop("s1", 0, 20, 2.0, 0.4))), t);
            requests.pipeInput(MODEL, completed(MODEL, "b" + i, t, 0, 30, List.of(hop("s1", 0, 20, 2.0, 0.4))), t);
        }
        requests.pipeInput(MODEL, completed(MODEL, "neg", T0, -5, 30, List.of(hop("s1", 0, 20, 2.0, 0.4))), T0);
        assertThat(metrics.count("timingFallback:compute:missing-tokens")).isEqualTo(40);
        assertThat(metrics.count("timingFallback:comm:missing-tokens")).isEqualTo(20);
        assertThat(deadLetters.readRecordsToList()).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.HEADER_EXCEPTION_MESSAGE))
                .singleElement().satisfies(m -> assertThat(m).contains("token counts of request neg must be >= 0"));
        ServerEstimate last = lastOf(servers.readValuesToList(), "s1");
        assertThat(last.getTokenTimings().getComputeFallback()).isEqualTo("too-few-samples");
        assertThat(last.getTokenTimings().getCommFallback()).as("20 hops with output tokens").isEmpty();
        assertThat(last.getPerBlockComputeSeconds()).as("the robust mean of the hops").isCloseTo(0.1, within(1e-9));

        // a server whose network time falls with the output tokens: its communication part falls back to the declared split
        telemetry.pipeInput("s2", telemetry("s2", MODEL, T0, 40 * GIB, 0.4, 0.109), T0);
        for (int i = 0; i < 60; i++) {
            long t = T0 + 10_000 + 100L * i;
            int out = 1 + (i * 37) % 400;
            requests.pipeInput(MODEL, completed(MODEL, "n" + i, t, 1000, out, List.of(hop("s2", 0, 20, 2.0, 10.0 - 0.02 * out))), t);
        }
        last = lastOf(servers.readValuesToList(), "s2");
        assertThat(last.getTokenTimings().getCommFallback()).isEqualTo("negative-coefficients");
        assertThat(last.getTokenTimings().getCommSamples()).isZero();
        assertThat(last.getTokenTimings().getComputeFallback()).isEmpty();
        assertThat(metrics.count("timingFallback:comm:negative-coefficients")).isPositive();
    }

    private static ServerEstimate lastOf(List<ServerEstimate> estimates, String server) {
        return estimates.stream().filter(e -> e.getServerId().equals(server)).reduce((a, b) -> b).orElseThrow();
    }

    @Test
    void shouldMarkAServerDownAfterSilenceAndUpOnItsNextRecord() {
        telemetry.pipeInput("s1", telemetry("s1", MODEL, T0, 40 * GIB, 0.02, 0.109), T0);
        assertThat(servers.readValue().getStatus()).isEqualTo(ServerStatus.UP);
        // s2 keeps reporting every 5 s while s1 is silent
        for (long t = T0; t <= T0 + 40_000; t += 5_000) {
            driver.advanceWallClockTime(Duration.ofSeconds(t == T0 ? 0 : 5));
            telemetry.pipeInput("s2", telemetry("s2", MODEL, t, 40 * GIB, 0.02, 0.109), t);
        }
        List<ServerEstimate> out = servers.readValuesToList();
        ServerEstimate down = out.stream().filter(e -> e.getServerId().equals("s1")).reduce((a, b) -> b).orElseThrow();
        assertThat(down.getStatus()).isEqualTo(ServerStatus.DOWN);
        assertThat(down.getLastSeenMillis()).isEqualTo(Instant.ofEpochMilli(T0));
        assertThat(out).filteredOn(e -> e.getServerId().equals("s2")).allMatch(e -> e.getStatus() == ServerStatus.UP);
        long now = T0 + 35_000;
        telemetry.pipeInput("s1", telemetry("s1", MODEL, now, 40 * GIB, 0.02, 0.109), now);
        assertThat(servers.readValue().getStatus()).isEqualTo(ServerStatus.UP);
    }

    @Test
    void shouldMarkNobodyDownWhenEveryInputStopsAtOnce() {
        // a broker outage or a stalled ingest looks like this from inside: the wall clock runs, nothing arrives
        telemetry.pipeInput("s1", telemetry("s1", MODEL, T0, 40 * GIB, 0.02, 0.109), T0);
        telemetry.pipeInput("s2", telemetry("s2", MODEL, T0, 40 * GIB, 0.02, 0.109), T0);
        servers.readValuesToList();
        driver.advanceWallClockTime(Duration.ofSeconds(120));
        assertThat(servers.isEmpty()).isTrue();
        // the backlog arrives late: still nobody DOWN
        long t = T0 + 5_000;
        telemetry.pipeInput("s1", telemetry("s1", MODEL, t, 40 * GIB, 0.02, 0.109), t);
        telemetry.pipeInput("s2", telemetry("s2", MODEL, t, 40 * GIB, 0.02, 0.109), t);
        assertThat(servers.readValuesToList()).noneMatch(e -> e.getStatus() == ServerStatus.DOWN);
    }

    @Test
    void shouldTakeMemoryFromDcgmMetricsAndDeadLetterBadOnes() {
        String at = Instant.ofEpochMilli(T0).toString();
        gpu.pipeInput("k", gpuMetricJson("DCGM_FI_DEV_FB_TOTAL", "40960", at, "Hostname", "node1", "gpu", "0"), T0);
        gpu.pipeInput("k", gpuMetricJson("DCGM_FI_DEV_GPU_UTIL", "93", at, "Hostname", "node1", "gpu", "0"), T0);
        gpu.pipeInput("k", gpuMetricJson("DCGM_FI_DEV_FB_TOTAL", "40", at, "Hostname", "node1", "gpu", "1", "unit", "furlongs"), T0);
        gpu.pipeInput("k", gpuMetricJson("DCGM_FI_DEV_FB_TOTAL", "40960", at, "gpu", "2"), T0);
        gpu.pipeInput("k", gpuMetricJson("DCGM_FI_DEV_FB_TOTAL", "NaN", at, "Hostname", "node1", "gpu", "3"), T0);
        gpu.pipeInput("k", "{not json", T0);
        // timings for node1/0 from request hops (nothing declared, so a few samples suffice)
        requests.pipeInput(MODEL, completed(MODEL, "c", T0, 5, List.of(hop("node1/0", 0, 32, 3.2, 0.03))), T0);

        ServerEstimate e = servers.readValue();
        assertThat(e.getServerId()).isEqualTo("node1/0");
        assertThat(e.getMemoryBytes()).isEqualTo(40960L * (1 << 20) - GIB);
        assertThat(e.getPerBlockComputeSeconds()).isCloseTo(0.1, within(1e-12));
        assertThat(e.getComputeSamples()).isEqualTo(1);
        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.HEADER_EXCEPTION_MESSAGE))
                .satisfiesExactly(
                        m -> assertThat(m).contains("unknown unit \"furlongs\""),
                        m -> assertThat(m).contains("missing label \"Hostname\""),
                        m -> assertThat(m).contains("must be a finite number of bytes in [0, 17592186044416] (16 TiB), was NaN MiB"),
                        m -> assertThat(m).contains("not JSON"));
        assertThat(metrics.count("skipped:" + GPU_TOPIC + ":unrelated-metric")).isEqualTo(1);
    }

    @Test
    void shouldDeadLetterTelemetryWhoseKeyDiffersOrWhoseMemoryIsNotPositive() {
        telemetry.pipeInput("s9", telemetry("s1", MODEL, T0, 40 * GIB, 0.02, 0.109), T0);
        telemetry.pipeInput("s1", telemetry("s1", MODEL, T0, 0, 0.02, 0.109), T0);
        telemetry.pipeInput("s1", telemetry("s1", MODEL, T0, 40 * GIB, -0.02, 0.109), T0);
        assertThat(deadLetters.readRecordsToList()).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.HEADER_EXCEPTION_MESSAGE))
                .satisfiesExactly(
                        m -> assertThat(m).contains("must equal serverId"),
                        m -> assertThat(m).contains("totalMemoryBytes of server s1 must be in [1, "),
                        m -> assertThat(m).contains("declaredCommSeconds"));
        assertThat(servers.isEmpty()).isTrue();
    }

    @Test
    void shouldTreatRequestsForABadOrDeletedModelSpecAsUnknown() {
        models.pipeInput("broken", ModelSpec.newBuilder(model("broken", 32)).setBlocks(0).build(), T0);
        models.pipeInput(MODEL, null, T0);
        requests.pipeInput("broken", arrived("broken", "r1", T0, 10), T0);
        requests.pipeInput(MODEL, arrived(MODEL, "r2", T0, 10), T0);
        assertThat(deadLetters.readRecordsToList()).hasSize(2);
        assertThat(metrics.count("skipped:" + TOPICS.models() + ":bad-model-spec")).isEqualTo(1);
    }

    @Test
    void shouldKeepOneModelsFutureEventFromBlindingTheOtherModelsOnThePartition() {
        // both models share the driver's one partition; the other model's router clock runs 240 s ahead
        // once (inside the 300 s skew allowed); the first model's on-time events must all count
        String other = "mistral-7b";
        models.pipeInput(other, model(other, 32), T0 - 60_000);
        for (long t = T0; t < T0 + 300_000; t += 500) {
            if ((t - T0) % 1_000 == 0) {
                driver.advanceWallClockTime(Duration.ofSeconds(t == T0 ? 0 : 1));
            }
            requests.pipeInput(MODEL, arrived(MODEL, "r" + t, t, 1000), t);
            if (t == T0 + 60_000) {
                requests.pipeInput(other, arrived(other, "ahead", t + 240_000, 1000), t + 240_000);
            }
        }

        assertThat(metrics.count("skipped:" + TOPICS.requests() + ":older-than-horizon"))
                .as("on-time events of the first model dropped").isZero();
        List<DemandEstimate> mine = demand.readValuesToList().stream().filter(e -> e.getModelId().equals(MODEL)).toList();
        assertThat(mine).isNotEmpty().allSatisfy(e -> assertThat(e.getArrivalRatePerSecond())
                .as("rate at %s", e.getTimestampMillis()).isCloseTo(2.0, within(0.2)));
        assertThat(mine.get(mine.size() - 1).getTimestampMillis().toEpochMilli()).isGreaterThan(T0 + 240_000);
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldCloseABacklogsBucketsAsItIsReadNotUpToTheWallClock() {
        // found by chainplan faults (timestamps, then a registry outage): the other model's router clock runs
        // 240 s ahead, so each of its events moves the partition's stream time and fires the idle close, while the
        // ingest reads the first model's events 10 s behind the wall clock (a backlog); its buckets must not be
        // closed before its events are read, or its estimates miss them
        String other = "mistral-7b";
        models.pipeInput(other, model(other, 32), T0 - 60_000);
        for (long batch = T0; batch < T0 + 200_000; batch += 10_000) {
            driver.advanceWallClockTime(Duration.ofSeconds(batch == T0 ? 0 : 10));
            long wall = batch + 10_000;
            requests.pipeInput(other, arrived(other, "ahead-" + batch, wall + 240_000, 1000), wall + 240_000);
            for (long t = batch - 10_000; t < batch; t += 500) {
                requests.pipeInput(MODEL, arrived(MODEL, "r" + t, t, 1000), t);
            }
        }

        List<DemandEstimate> mine = demand.readValuesToList().stream().filter(e -> e.getModelId().equals(MODEL)).toList();
        assertThat(mine).isNotEmpty().allSatisfy(e -> assertThat(e.getArrivalRatePerSecond())
                .as("rate at %s", e.getTimestampMillis()).isCloseTo(2.0, within(0.2)));
        DemandEstimate last = mine.get(mine.size() - 1);
        long from = last.getTimestampMillis().toEpochMilli() - Math.round(last.getWindowSeconds() * 1000);
        assertThat(last.getArrivals()).as("every arrival of the window counted")
                .isEqualTo((last.getTimestampMillis().toEpochMilli() - Math.max(from, T0 - 10_000)) / 500);
    }

    @Test
    void shouldMeasureOnlyHopsOfServersInTheFleet() {
        telemetry.pipeInput("s1", telemetry("s1", MODEL, T0, 40 * GIB, 0.02, 0.109), T0);
        for (int i = 0; i < 20; i++) {
            long t = T0 + 1_000L * i;
            requests.pipeInput(MODEL, completed(MODEL, "c" + i, t, 20,
                    List.of(hop("s1", 0, 16, 1.6, 0.05), hop("random-" + i, 16, 32, 1.6, 0.05))), t);
        }

        var timings = driver.getKeyValueStore(IngestTopology.Names.DEFAULT.serverTimingStore());
        assertThat(timings.get("s1")).isNotNull();
        assertThat(timings.get("random-3")).as("a server that never reported adds no state").isNull();
        assertThat(driver.getKeyValueStore(IngestTopology.Names.DEFAULT.serverStateStore()).approximateNumEntries()).isEqualTo(1);
        assertThat(metrics.count("skipped:" + TOPICS.requests() + ":" + HopTimingUpdater.UNKNOWN_SERVER)).isEqualTo(20);
        assertThat(deadLetters.isEmpty()).as("the events themselves are good").isTrue();
        assertThat(driver.getKeyValueStore(IngestTopology.Names.DEFAULT.fleetStore()).get("s1")).isEqualTo(MODEL);
    }

    @Test
    void shouldDeadLetterImplausibleTelemetryAndRequests() {
        telemetry.pipeInput("s1", telemetry("s1", MODEL, T0, Long.MAX_VALUE, 0.02, 0.109), T0);
        telemetry.pipeInput("s2", telemetry("s2", MODEL, T0, 100_000_000_000_000L, 0.02, 0.109), T0);
        telemetry.pipeInput("s3", telemetry("s3", MODEL, T0, 40 * GIB, 0.02, 0.0), T0);
        requests.pipeInput(MODEL, completed(MODEL, "long", T0, 20_000_000, 20, List.of()), T0);
        requests.pipeInput(MODEL, completed(MODEL, "slow", T0, 20, 20, List.of(hop("s1", 0, 32, 1e6, 0.1))), T0);

        assertThat(deadLetters.readRecordsToList()).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.HEADER_EXCEPTION_MESSAGE))
                .satisfiesExactly(
                        m -> assertThat(m).startsWith("totalMemoryBytes of server s1 must be in [1, 17592186044416] (16 TiB)"),
                        m -> assertThat(m).startsWith("totalMemoryBytes of server s2"),
                        m -> assertThat(m).startsWith("declaredPerBlockComputeSeconds of server s3"),
                        m -> assertThat(m).startsWith("inputTokens + outputTokens of request long must be at most 16777216 tokens"),
                        m -> assertThat(m).startsWith("hop 0 of request slow (s1): computeSeconds must be a finite number in (0, 86400]"));
        assertThat(servers.isEmpty()).isTrue();
    }
}
