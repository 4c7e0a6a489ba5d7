package io.chainplan.ingest.app;

import io.chainplan.ingest.topology.Checked;
import io.chainplan.ingest.topology.IngestMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link IngestMetrics} on Micrometer. Meters (Prometheus names):
 * {@code chainplan_ingest_records_in_total{topic}}, {@code chainplan_ingest_bad_records_total{topic,stage}},
 * {@code chainplan_ingest_dead_lettered_total{topic,stage}},
 * {@code chainplan_ingest_dead_letter_send_failures_total{topic,stage}} (dead letters of the global model store's
 * own producer that the broker did not take), {@code chainplan_ingest_skipped_total{topic,reason}},
 * {@code chainplan_ingest_estimates_out_total{topic}},
 * {@code chainplan_ingest_timing_fallbacks_total{part,reason}} (hops left out of a per-token fit, and
 * published server estimates whose part is not fitted), {@code chainplan_ingest_token_fallbacks_total{reason}}
 * (completions without a response time, counted at their completion time by the token means), and the processing lag
 * {@code chainplan_ingest_event_time_lag_seconds{topic}}: wall clock minus the newest event time of a
 * valid record processed from the topic (a rejected record never moves it; a valid one dated ahead of
 * the wall clock, within the allowed skew, counts as now, so the lag is never negative). Kafka Streams' own metrics (consumer lag, commit latency, ...) are bound
 * separately by {@link IngestApp}. Thread-safe.
 */
public final class MicrometerIngestMetrics implements IngestMetrics {
    private final MeterRegistry registry;
    private final InstantSource clock;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> newestEvent = new ConcurrentHashMap<>();
    private final Map<String, Counter> recordsIn = new ConcurrentHashMap<>();
    /** Timing fallbacks by part, then reason: looked up without building a key (once per hop without tokens). */
    private final Map<String, Map<String, Counter>> timingFallbacks = new ConcurrentHashMap<>();

    /**
     * @param registry where the meters live
     * @param clock    wall clock for the lag gauge
     */
    public MicrometerIngestMetrics(MeterRegistry registry, InstantSource clock) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    private Counter counter(String name, String... tags) {
        String key = name + String.join("|", tags);
        Counter c = counters.get(key);
        if (c == null) {
            c = counters.computeIfAbsent(key, k -> Counter.builder(name).tags(tags).register(registry));
        }
        return c;
    }

    /**
     * Registers, at 0, the bad-record, dead-letter and skip counters of each input topic for every stage
     * ({@link Checked#DESERIALIZE}, {@link Checked#VALIDATE}, {@link Checked#PROCESS}), so that they are
     * exported before the first bad record and a dashboard's sum over them has data.
     *
     * @param topics the topics the ingest reads
     */
    public void declareInputs(Collection<String> topics) {
        for (String topic : topics) {
            for (String stage : List.of(Checked.DESERIALIZE, Checked.VALIDATE, Checked.PROCESS)) {
                counter("chainplan.ingest.bad.records", "topic", topic, "stage", stage);
                counter("chainplan.ingest.dead.lettered", "topic", topic, "stage", stage);
            }
            counter("chainplan.ingest.skipped", "topic", topic, "reason", Checked.SKIPPED_BAD_RECORD);
        }
    }

    @Override
    public void recordIn(String topic, long eventMillis) {
        Counter in = recordsIn.get(topic);
        if (in == null) {
            in = recordsIn.computeIfAbsent(topic, t -> counter("chainplan.ingest.records.in", "topic", t));
        }
        in.increment();
        if (eventMillis >= 0) {
            AtomicLong newest = newestEvent.get(topic);
            if (newest == null) {
                newest = newestEvent.computeIfAbsent(topic, this::lagGauge);
            }
            newest.accumulateAndGet(Math.min(eventMillis, clock.millis()), Math::max);
        }
    }

    private AtomicLong lagGauge(String topic) {
        AtomicLong newest = new AtomicLong(Long.MIN_VALUE);
        Gauge.builder("chainplan.ingest.event.time.lag", newest,
                        n -> n.get() == Long.MIN_VALUE ? Double.NaN : (clock.millis() - n.get()) / 1000.0)
                .tag("topic", topic).baseUnit("seconds")
                .description("Wall clock minus the newest event time processed").register(registry);
        return newest;
    }

    @Override
    public void badRecord(String topic, String stage) {
        counter("chainplan.ingest.bad.records", "topic", topic, "stage", stage).increment();
    }

    @Override
    public void deadLettered(String topic, String stage) {
        counter("chainplan.ingest.dead.lettered", "topic", topic, "stage", stage).increment();
    }

    @Override
    public void deadLetterSendFailed(String topic, String stage) {
        counter("chainplan.ingest.dead.letter.send.failures", "topic", topic, "stage", stage).increment();
    }

    @Override
    public void skipped(String topic, String reason) {
        counter("chainplan.ingest.skipped", "topic", topic, "reason", reason).increment();
    }

    @Override
    public void timingFallback(String part, String reason) {
        Map<String, Counter> byReason = timingFallbacks.get(part);
        if (byReason == null) {
            byReason = timingFallbacks.computeIfAbsent(part, p -> new ConcurrentHashMap<>());
        }
        Counter c = byReason.get(reason);
        if (c == null) {
            c = byReason.computeIfAbsent(reason, r -> counter("chainplan.ingest.timing.fallbacks", "part", part, "reason", r));
        }
        c.increment();
    }

    @Override
    public void tokenFallback(String reason) {
        counter("chainplan.ingest.token.fallbacks", "reason", reason).increment();
    }

    @Override
    public void estimateOut(String topic) {
        counter("chainplan.ingest.estimates.out", "topic", topic).increment();
    }

    /**
     * @param name  meter name, e.g. {@code chainplan.ingest.records.in}
     * @param tags  tag key-value pairs
     * @return the count so far (0 if the counter does not exist yet)
     */
    public double count(String name, String... tags) {
        Counter c = counters.get(name + String.join("|", tags));
        return c == null ? 0 : c.count();
    }
}
