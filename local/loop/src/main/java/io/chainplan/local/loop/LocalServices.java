package io.chainplan.local.loop;

import io.chainplan.ingest.app.IngestApp;
import io.chainplan.ingest.app.IngestConfig;
import io.chainplan.ingest.app.KafkaDeadLetterSink;
import io.chainplan.ingest.app.MicrometerIngestMetrics;
import io.chainplan.ingest.topology.DeadLetterExceptionHandlers;
import io.chainplan.ingest.topology.IngestTopology;
import io.chainplan.router.dispatch.Dispatcher;
import io.chainplan.router.PlanSubscriber;
import io.chainplan.schemas.config.ClientConfig;
import io.chainplan.local.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;

/**
 * The services of the closed loop, started in-process on a {@link LocalStack}: telemetry-ingest's
 * topology ({@link IngestTopology}, the same one {@code chainplan ingest} runs) in a {@link KafkaStreams}
 * instance on the run's virtual clock (exactly-once, dead-letter handlers, state under the stack's data
 * directory; bad model specs dead-lettered through a {@link KafkaDeadLetterSink}), the router
 * library's plan subscriber, and the dispatch service ({@link ServiceRouter}). (The ingest app itself cannot be given a Kafka
 * {@code Time}, hence the topology is run directly.)
 */
public final class LocalServices implements ClosedLoop.Services {
    private static final Duration STARTUP = Duration.ofSeconds(60);
    /**
     * Effective window of the ingest's robust timing mean: 200 samples instead of 50, so that the
     * estimates' noise (about 1%) stays well below the optimizer's 10% re-plan threshold.
     */
    static final int TIMING_WINDOW_SAMPLES = 200;
    /**
     * Measured timings replace declared ones from 100 samples on (default 10). With fewer, the ingest's robust
     * mean, an exponentially weighted filter started from the median of its first 5 samples, has not forgotten
     * that start and a server's estimate flips across the optimizer's 10% threshold, causing re-plans; the
     * per-token fits start robustly and their standard errors go into the plans' tolerance. From 400 samples on
     * (before 2026-12-03), the slower slices, to which JFFC sends only the overflow of the fastest chains, were
     * still on the declared split after 20 minutes of the code trace (3 of 9 servers fitted); from 100, 8 or 9 of the 9
     * servers' compute and communication parts were fitted on the trace with outputs x10, with no more plans.
     */
    static final long TIMING_MIN_SAMPLES = 100;

    @Override
    public AutoCloseable startIngest(LocalStack stack, VirtualClock clock, MeterRegistry meters) {
        return start(stack, clock, meters, ingestConfig(stack, clock, Optional.empty()));
    }

    @Override
    public AutoCloseable startIngest(LocalStack stack, VirtualClock clock, MeterRegistry meters, SimFleet fleet) {
        return start(stack, clock, meters, ingestConfig(stack, clock, Optional.of(fleet)));
    }

    private AutoCloseable start(LocalStack stack, VirtualClock clock, MeterRegistry meters, IngestConfig config) {
        Properties p = config.streamsProperties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "chainplan-ingest-local");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir(stack).toString());
        MicrometerIngestMetrics metrics = new MicrometerIngestMetrics(meters, clock);
        metrics.declareInputs(IngestApp.inputTopics(config));
        p.put(DeadLetterExceptionHandlers.METRICS_CONFIG, metrics);
        KafkaDeadLetterSink modelDeadLetters = KafkaDeadLetterSink.create(p, metrics);
        KafkaStreams streams = new KafkaStreams(IngestTopology.build(config.topics(), stack.schemaRegistryClient(),
                config.settings(), metrics, modelDeadLetters), p, new VirtualKafkaTime(clock));
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(meters);
        streams.start();
        try {
            awaitRunning(streams);
        } catch (RuntimeException e) {
            modelDeadLetters.close();
            throw e;
        }
        return () -> {
            streams.close(Duration.ofSeconds(10));
            streamsMetrics.close();
            modelDeadLetters.close();
        };
    }

    /**
     * The ingest's configuration for the closed loop: the stack's client settings plus the keys
     * {@code chainplan ingest} reads ({@code chainplan.ingest.*}). Streams runs on the virtual clock
     * ({@link VirtualKafkaTime}), so every time setting is in simulated time and keeps its default
     * (DOWN after 30 s of silence, checked every 5 s, ...), except: no memory reserve (the simulated
     * servers report exactly the memory they have), a longer timing window trusted from 100 samples on,
     * and a commit interval of 100 ms of wall time. With a fleet, the prior of the per-token fits splits each
     * server's declared {@code tau_p} as the fleet's benchmark does ({@link #priorSplit}) rather than by the
     * paper's default share: the requests' token counts vary too little (a quarter around the means) to tell
     * prefill from decode, so until a mix change the fit keeps the prior's split, and a wrong split would make
     * every server's estimate jump, one at a time, once requests of the new mix arrive.
     *
     * @param stack the stack
     * @param clock the run's clock
     * @param fleet the simulated fleet, if known
     * @return the config
     */
    static IngestConfig ingestConfig(LocalStack stack, VirtualClock clock, Optional<SimFleet> fleet) {
        ClientConfig c = stack.clientConfig()
                .with(IngestConfig.MEMORY_RESERVE_BYTES_CONFIG, "0")
                .with(IngestConfig.TIMING_WINDOW_SAMPLES_CONFIG, Integer.toString(TIMING_WINDOW_SAMPLES))
                .with(IngestConfig.TIMING_MIN_SAMPLES_CONFIG, Long.toString(TIMING_MIN_SAMPLES))
                .with(IngestConfig.METRICS_PORT_CONFIG, "-1")
                .with(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(Math.max(100, Math.round(100 * clock.speedup()))));
        if (fleet.isPresent()) {
            double[] split = priorSplit(fleet.get());
            c = c.with(IngestConfig.TIMING_PRIOR_BLOCK_OVERHEAD_CONFIG, Double.toString(split[0]))
                    .with(IngestConfig.TIMING_PRIOR_PREFILL_SHARE_CONFIG, Double.toString(split[1]));
        }
        return IngestConfig.of(c);
    }

    /**
     * The split of a declared {@code tau_p} that the fleet's servers have on average: {@code t_o} and the
     * share {@code kappa} of {@code tau_p - t_o} that prefill takes in a request of the model's mean tokens
     * ({@link io.chainplan.optimizer.model.TokenTimings#fromReference}).
     *
     * @param fleet the simulated fleet
     * @return {t_o seconds, kappa}
     */
    static double[] priorSplit(SimFleet fleet) {
        double in = fleet.model().meanInputTokens();
        double out = Math.max(0, fleet.model().meanOutputTokens() - 1);
        double overhead = 0;
        double share = 0;
        for (SimServer s : fleet.servers()) {
            double prefill = s.timings().prefillSecondsPerToken() * in;
            double decode = s.timings().decodeSecondsPerToken() * out;
            overhead += s.timings().blockOverheadSeconds();
            share += prefill + decode > 0 ? prefill / (prefill + decode) : 0.5;
        }
        int n = fleet.servers().size();
        return new double[] {overhead / n, share / n};
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

    /**
     * The router library's {@link PlanSubscriber}, reading committed plans only (the optimizer publishes
     * in transactions) and applying each new plan of the dispatcher's model to it.
     */
    /** The dispatch service in-process on the stack, and a router that leases through it over HTTP. */
    @Override
    public FleetRouter startDispatchService(LocalStack stack, Dispatcher mirror, MeterRegistry meters) {
        return ServiceRouter.start(stack, mirror, meters);
    }

    @Override
    public AutoCloseable startPlanFeed(LocalStack stack, Dispatcher dispatcher, Optional<MeterRegistry> meters) {
        Map<String, Object> props = new HashMap<>(stack.clientConfig().kafkaProperties());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        PlanSubscriber.Builder b = PlanSubscriber.builder(props, stack.schemaRegistryClient(),
                PlanSubscriber.applyingTo(Map.of(dispatcher.modelId(), dispatcher))).topics(stack.topics());
        meters.ifPresent(b::meterRegistry);
        PlanSubscriber subscriber = b.build();
        subscriber.start();
        return subscriber;
    }
}
