package io.chainplan.ingest.topology;

import static io.chainplan.ingest.testing.Events.arrived;
import static io.chainplan.ingest.testing.Events.completed;
import static io.chainplan.ingest.testing.Events.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.chainplan.ingest.testing.RecordingIngestMetrics;
import io.chainplan.schemas.avro.DemandEstimate;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.avro.RequestEvent;
import io.chainplan.schemas.registry.InMemorySchemaRegistry;
import io.chainplan.schemas.serde.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

/**
 * The demand's token means over requests by arrival time (issue 17), end to end through the topology: request
 * events in event-time order, as a router emits them (a completion at its arrival plus its response time), and
 * the published {@code DemandEstimate}s. The same requests without response times give the completion-time
 * estimate (the fallback), which shows what the arrival-time one avoids. Each property is checked on several
 * seeded runs (deterministic).
 */
class TokenMixByArrivalTest {
    private static final Topics TOPICS = Topics.defaults();
    private static final long T0 = 1_700_000_000_000L;
    private static final String MODEL = "llama-2-7b";
    /** The optimizer's default {@code chainplan.optimizer.mix.relative.threshold}. */
    private static final double MIX_THRESHOLD = 0.25;
    private static final int SEEDS = 5;

    /** A request: arrival time (ms after T0), prompt and generated tokens, response time (s). */
    private record Request(long arrivalMillis, int inputTokens, int outputTokens, double responseSeconds) {
        long completionMillis() {
            return arrivalMillis + Math.round(responseSeconds * 1000);
        }
    }

    /** What one run published, and what it counted. */
    private record Run(List<DemandEstimate> estimates, RecordingIngestMetrics metrics) {
        /** @return the published mean generated tokens from 2 minutes on (after the first estimates' warm-up) */
        List<Double> outputMeans() {
            return estimates.stream().filter(e -> e.getTimestampMillis().toEpochMilli() >= T0 + 120_000)
                    .map(DemandEstimate::getMeanOutputTokens).toList();
        }
    }

    /**
     * Pipes the requests' ARRIVED and COMPLETED events through a fresh topology in event-time order (the wall
     * clock following), the completions with their response times or without.
     */
    private static Run serve(List<Request> all, boolean withResponseTimes) {
        record Timed(long atMillis, RequestEvent event) {
        }
        List<Timed> events = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            Request r = all.get(i);
            events.add(new Timed(r.arrivalMillis(), arrived(MODEL, "r" + i, T0 + r.arrivalMillis(), r.inputTokens())));
            RequestEvent done = completed(MODEL, "r" + i, T0 + r.completionMillis(), r.inputTokens(), r.outputTokens(), List.of());
            events.add(new Timed(r.completionMillis(), withResponseTimes
                    ? RequestEvent.newBuilder(done).setResponseSeconds(r.responseSeconds()).setWaitSeconds(0.0).build() : done));
        }
        events.sort(Comparator.comparingLong(Timed::atMillis));
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        RecordingIngestMetrics metrics = new RecordingIngestMetrics();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ingest-token-mix-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try (TopologyTestDriver driver = new TopologyTestDriver(IngestTopology.build(TOPICS, registry, IngestSettings.defaults(),
                metrics), props, Instant.ofEpochMilli(T0))) {
            StringSerializer keys = new StringSerializer();
            driver.createInputTopic(TOPICS.models(), keys, Topics.valueSerde(ModelSpec.class, registry).serializer())
                    .pipeInput(MODEL, model(MODEL, 32), T0 - 60_000);
            TestInputTopic<String, RequestEvent> requests = driver.createInputTopic(TOPICS.requests(), keys,
                    Topics.valueSerde(RequestEvent.class, registry).serializer());
            TestOutputTopic<String, DemandEstimate> demand = driver.createOutputTopic(TOPICS.demandEstimates(),
                    new StringDeserializer(), Topics.valueSerde(DemandEstimate.class, registry).deserializer());
            long wall = T0;
            for (Timed e : events) {
                if (T0 + e.atMillis() > wall) {
                    driver.advanceWallClockTime(Duration.ofMillis(T0 + e.atMillis() - wall));
                    wall = T0 + e.atMillis();
                }
                requests.pipeInput(MODEL, e.event(), T0 + e.atMillis());
            }
            return new Run(demand.readValuesToList(), metrics);
        }
    }

    /** 80% of requests generate 50 tokens, 20% generate 1000: a mean of 240. */
    private static int mixture(SplittableRandom random) {
        return random.nextDouble() < 0.2 ? 1000 : 50;
    }

    /**
     * 2 req/s for 15 minutes with a constant mix (mean 240 generated tokens), and at 300 s a 30 s burst of 8 req/s
     * more of the same mix: its short requests complete in a second, its long ones wait and complete together
     * over the minute after the burst. Every other request completes in a second.
     */
    private static List<Request> burstOfLongRequestsCompletingTogether(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Request> out = new ArrayList<>();
        for (long t = 0; t < 900_000; t += 500) {
            out.add(new Request(t, 1000, mixture(random), 1.0));
        }
        for (long t = 300_000; t < 330_000; t += 125) {
            int tokens = mixture(random);
            double response = tokens > 50 ? (330_000 + random.nextDouble() * 60_000 - t) / 1000 : 1.0;
            out.add(new Request(t, 1000, tokens, response));
        }
        return out;
    }

    private static double meanOutput(List<Request> requests) {
        return requests.stream().mapToInt(Request::outputTokens).average().orElseThrow();
    }

    @Test
    void shouldNotSwingWhenTheLongRequestsOfABurstCompleteTogether() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            List<Request> requests = burstOfLongRequestsCompletingTogether(seed);
            double truth = meanOutput(requests);
            assertThat(truth).isCloseTo(240, within(30.0));
            Run byArrival = serve(requests, true);
            assertThat(byArrival.outputMeans()).as("seed %d, by arrival", seed).hasSizeGreaterThan(10)
                    .allSatisfy(m -> assertThat(m).isCloseTo(truth, within(0.2 * truth)));
            assertThat(byArrival.estimates().get(byArrival.estimates().size() - 1).getMeanInputTokens()).isEqualTo(1000.0);
            assertThat(byArrival.metrics().count("tokenFallback:" + IngestMetrics.NO_RESPONSE_TIME)).isZero();

            // the same requests, their completions counted at their completion times (the fallback without a
            // response time): the burst's short requests, then its long ones, look like a new mix, beyond the
            // optimizer's re-planning threshold
            Run byCompletion = serve(requests, false);
            assertThat(byCompletion.outputMeans()).as("seed %d, by completion", seed)
                    .anySatisfy(m -> assertThat(Math.abs(m - truth)).isGreaterThan(MIX_THRESHOLD * truth));
            assertThat(byCompletion.metrics().count("tokenFallback:" + IngestMetrics.NO_RESPONSE_TIME))
                    .isEqualTo(requests.size());
        }
    }

    @Test
    void shouldSeeAChangeOfTheMixOnceAndSettleAtTheNewMean() {
        int once = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            // 2 req/s; generated tokens exponential with mean 20, ten times as many for requests arriving from 400 s
            // on; a request takes 0.5 s plus 50 ms per generated token (10 s on average after the change, some a minute)
            SplittableRandom random = new SplittableRandom(seed);
            List<Request> requests = new ArrayList<>();
            for (long t = 0; t < 900_000; t += 500) {
                double mean = t < 400_000 ? 20 : 200;
                int tokens = (int) Math.max(1, Math.round(-mean * Math.log(1 - random.nextDouble())));
                requests.add(new Request(t, 1000, tokens, 0.5 + 0.05 * tokens));
            }
            double after = meanOutput(requests.stream().filter(r -> r.arrivalMillis() >= 400_000).toList());
            Run run = serve(requests, true);
            List<Double> means = run.outputMeans();
            int moves = 0;
            for (int i = 1; i < means.size(); i++) {
                if (Math.abs(means.get(i) - means.get(i - 1)) > MIX_THRESHOLD * means.get(i - 1)) {
                    moves++;
                }
            }
            // the first estimate of the new mix rests on 30 requests (a mean with a coefficient of variation of 18%),
            // so it may take a second step
            assertThat(moves).as("seed %d: moves beyond the re-planning threshold: %s", seed, means).isBetween(1, 2);
            once += moves == 1 ? 1 : 0;
            DemandEstimate moved = run.estimates().stream().filter(e -> e.getMeanOutputTokens() > 60).findFirst().orElseThrow();
            assertThat(moved.getTimestampMillis().toEpochMilli() - T0).as("seed %d: seen one maturity lag after the change", seed)
                    .isBetween(400_000L, 520_000L);
            assertThat(moved.getMeanOutputTokens()).as("seed %d: the first estimate of the new mix", seed)
                    .isCloseTo(after, within(0.5 * after));
            assertThat(means.get(means.size() - 1)).as("seed %d", seed).isCloseTo(after, within(0.1 * after));
            assertThat(means.stream().filter(m -> m > 25 && m < 80)).as("seed %d: no blend of the two mixes", seed).isEmpty();
        }
        assertThat(once).as("runs whose estimate moved in one step, of %d", SEEDS).isGreaterThanOrEqualTo(SEEDS - 2);
    }

    @Test
    void shouldSayTheFirstMixIsPendingUntilItsFirstRequestsHaveCompleted() {
        // 2 req/s of 200 generated tokens, each taking 40 s: the first bucket of requests is complete at 45 s
        List<Request> requests = new ArrayList<>();
        for (long t = 0; t < 300_000; t += 500) {
            requests.add(new Request(t, 1000, 200, 40.0));
        }
        List<DemandEstimate> estimates = serve(requests, true).estimates();
        DemandEstimate first = estimates.get(0);
        assertThat(first.getTimestampMillis().toEpochMilli() - T0).isLessThan(40_000);
        assertThat(first.getTokenMixPending()).isTrue();
        assertThat(first.getMeanOutputTokens()).isZero();
        DemandEstimate measured = estimates.stream().filter(e -> !e.getTokenMixPending()).findFirst().orElseThrow();
        assertThat(measured.getMeanOutputTokens()).isEqualTo(200.0);
        assertThat(measured.getTimestampMillis().toEpochMilli() - T0).isBetween(45_000L, 60_000L);
        assertThat(estimates.stream().dropWhile(DemandEstimate::getTokenMixPending))
                .allSatisfy(e -> assertThat(e.getTokenMixPending()).isFalse());
    }

    @Test
    void shouldCountWhatItCannotAttributeAndKeepEstimating() {
        List<Request> requests = new ArrayList<>();
        for (long t = 0; t < 800_000; t += 500) {
            // every tenth request reports no generated length (0): it completes, but adds no count
            requests.add(new Request(t, 1000, t % 5_000 == 0 ? 0 : 100, 1.0));
        }
        // two that complete after their arrival bucket left the 10-minute token history (their buckets counted
        // without them once they had waited 2 minutes)
        requests.add(new Request(60_000, 1000, 5000, 700.0));
        requests.add(new Request(100_000, 1000, 5000, 650.0));
        Run run = serve(requests, true);
        assertThat(run.metrics().count("skipped:" + TOPICS.requests() + ":" + DemandUpdater.ARRIVED_BEFORE_TOKEN_HISTORY))
                .isEqualTo(2);
        assertThat(run.outputMeans()).isNotEmpty().allSatisfy(m -> assertThat(m).isEqualTo(100.0));
        assertThat(run.estimates().get(run.estimates().size() - 1).getMeanInputTokens()).isEqualTo(1000.0);
    }
}
