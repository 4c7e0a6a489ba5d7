package io.chainplan.cli.local;

import io.chainplan.ingest.topology.DeadLetterExceptionHandlers;
import io.chainplan.ingest.topology.FailureMode;
import io.chainplan.ingest.topology.IngestMetrics;
import io.chainplan.ingest.topology.IngestSettings;
import io.chainplan.ingest.topology.IngestTopology;
import io.chainplan.router.Dispatcher;
import io.chainplan.schemas.local.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The services of the closed loop, started in-process on a {@link LocalStack}: telemetry-ingest's
 * topology in a {@link KafkaStreams} instance (exactly-once, state under the stack's data directory)
 * and the router library's plan subscriber.
 */
public final class LocalServices implements ClosedLoop.Services {
    private static final Duration STARTUP = Duration.ofSeconds(60);
    /**
     * Effective window of the ingest's robust timing mean: 200 samples instead of 50, so that the
     * estimates' noise (about 1%) stays well below the optimizer's 10% re-plan threshold.
     */
    static final int TIMING_WINDOW_SAMPLES = 200;
    /**
     * Measured timings replace declared ones from 400 samples on (default 10). The ingest's robust
     * mean is an exponentially weighted filter started from the median of its first 5 samples; it
     * needs about two windows of samples to forget that start (with fewer, a server's estimate is off
     * by several percent and flips across the optimizer's 10% threshold, causing re-plans).
     */
    static final long TIMING_MIN_SAMPLES = 400;

    @Override
    public AutoCloseable startIngest(LocalStack stack, VirtualClock clock) {
        IngestSettings settings = ingestSettings(clock);
        Properties p = new Properties();
        p.putAll(stack.clientConfig().kafkaProperties());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "chainplan-ingest-local");
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // Streams runs on the virtual clock (VirtualKafkaTime): commit every 100 ms of wall time
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Math.max(100, Math.round(100 * clock.speedup())));
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir(stack).toString());
        p.put(DeadLetterExceptionHandlers.DEAD_LETTER_TOPIC_CONFIG, stack.topics().deadLetters());
        KafkaStreams streams = new KafkaStreams(
                IngestTopology.build(stack.topics(), stack.schemaRegistryClient(), settings, IngestMetrics.NOOP), p,
                new VirtualKafkaTime(clock));
        streams.start();
        awaitRunning(streams);
        return () -> streams.close(Duration.ofSeconds(10));
    }

    /**
     * The ingest's default settings (they are in simulated time, as Streams runs on the virtual
     * clock): DOWN after 30 s of silence, checked every 5 s; but no memory reserve, as the simulated
     * servers report exactly the memory they have, and a longer timing window trusted from 400 samples on.
     *
     * @param clock the run's clock
     * @return the settings
     */
    static IngestSettings ingestSettings(VirtualClock clock) {
        IngestSettings d = IngestSettings.defaults();
        return new IngestSettings(d.demand(), d.graceMillis(), d.demandEmission(), d.serverEmission(),
                TIMING_WINDOW_SAMPLES, d.timingClipSigmas(), TIMING_MIN_SAMPLES, 0, d.downAfterMillis(),
                d.livenessCheckIntervalMillis(), d.maxFutureSkewMillis(), "", d.gpuServerLabels(), FailureMode.DEAD_LETTER);
    }

    private static Path stateDir(LocalStack stack) {
        try {
            return Files.createDirectories(stack.broker().dataDir().resolveSibling("streams"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create the Kafka Streams state directory: " + e.getMessage(), e);
        }
    }

    private static void awaitRunning(KafkaStreams streams) {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || !streams.state().isRunningOrRebalancing()
                    && streams.state() != KafkaStreams.State.CREATED) {
                streams.close(Duration.ofSeconds(5));
                throw new IllegalStateException("telemetry-ingest did not start: state " + streams.state());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting telemetry-ingest", e);
            }
        }
    }

    @Override
    public AutoCloseable startPlanFeed(LocalStack stack, Dispatcher dispatcher) {
        return InterimPlanFeed.start(stack, dispatcher);
    }

    static Map<String, Object> kafka(LocalStack stack) {
        return stack.clientConfig().kafkaProperties();
    }
}
