package io.chainplan.local.faults;

import io.chainplan.local.LocalStackException;
import io.chainplan.schemas.config.ClientConfig;
import io.chainplan.schemas.registry.SchemaRegistry;
import io.chainplan.schemas.serde.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fault-injection suite of issue 13: runs each {@link FaultKind} in turn against telemetry-ingest and the
 * optimizer, each on a model of its own beside one control model whose traffic runs through all of them, and
 * reports records sent, acknowledged, counted, dead-lettered, lost and duplicated, the control model's time
 * without a plan, and the recovery time after each fault ({@link FaultRow} defines each figure).
 * <p>Either the suite starts the stack itself ({@link #runOwned}: the in-process broker with a SASL listener,
 * the embedded registry, telemetry-ingest in-process and the optimizer as a child process, so that every fault
 * can be injected), or it runs against a cluster where ingest and the optimizer already run
 * ({@link #runExternal}: the record-level faults only, poison, timestamps and the wrong password; the others are
 * reported as skipped).
 */
public final class FaultSuite {
    private static final Logger LOG = LoggerFactory.getLogger(FaultSuite.class);

    private FaultSuite() {
    }

    /**
     * Runs the suite on a stack of its own.
     *
     * @param settings     how to run
     * @param launcher     starts {@code chainplan optimizer} processes
     * @param workDir      the broker's data, the services' state and the logs (created if missing)
     * @param kafkaPort    the broker's PLAINTEXT port, 0 for any free one
     * @param registryPort the registry's port, 0 for any free one
     * @param progress     receives one line as each fault starts
     * @return the report
     * @throws LocalStackException if the stack cannot start
     */
    public static FaultReport runOwned(FaultSettings settings, ChainplanLauncher launcher, Path workDir, int kafkaPort,
                                       int registryPort, Consumer<String> progress) {
        String runId = runId();
        long t0 = System.nanoTime();
        try (OwnedStack stack = OwnedStack.start(dirs(workDir), Topics.defaults(), launcher, runId, kafkaPort, registryPort)) {
            progress.accept(String.format(Locale.ROOT, "chainplan faults: stack on localhost:%d (and a SASL_PLAINTEXT listener), registry"
                    + " http://localhost:%d, telemetry-ingest in-process, chainplan optimizer as a child process, logs in %s"
                    + " (ready in %.1f s)", stack.kafkaPort(),
                    stack.registryPort(), workDir, (System.nanoTime() - t0) / 1e9));
            return run(settings, stack.client(), Optional.of(stack), launcher, runId, workDir, OwnedStack.STEP_MILLIS,
                    "the in-process stack on localhost:" + stack.kafkaPort(), progress);
        }
    }

    /**
     * Runs the record-level faults against a cluster where telemetry-ingest and the optimizer run.
     *
     * @param settings how to run
     * @param client   the cluster's client settings (bootstrap servers, security, registry, topic prefix)
     * @param launcher starts the {@code chainplan optimizer} with a wrong password
     * @param workDir  logs (created if missing)
     * @param progress receives one line as each fault starts
     * @return the report
     */
    public static FaultReport runExternal(FaultSettings settings, ClientConfig client, ChainplanLauncher launcher, Path workDir,
                                          Consumer<String> progress) {
        // the ingest's default step: the traffic's first bucket is whole
        return run(settings, client, Optional.empty(), launcher, runId(), dirs(workDir), 5000, client.bootstrapServers(), progress);
    }

    private static FaultReport run(FaultSettings settings, ClientConfig client, Optional<OwnedStack> owned, ChainplanLauncher launcher,
                                   String runId, Path workDir, long stepMillis, String target, Consumer<String> progress) {
        long t0 = System.nanoTime();
        SchemaRegistry registry = client.schemaRegistry();
        List<FaultRow> rows = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = Suite.producer(client.kafkaProperties());
             OutputWatch watch = new OutputWatch(client.kafkaProperties(), client.topics(), registry)) {
            Suite suite = new Suite(settings, client, registry, Serdes.of(registry), producer, watch, owned, launcher, runId,
                    workDir, stepMillis, new Random(settings.seed()), null);
            try (SubjectModel control = SubjectModel.start(suite, suite.model("control"), producer)) {
                progress.accept("chainplan faults: control model " + control.id() + " waiting for its first plan");
                if (!control.awaitReady(settings.settle())) {
                    throw new IllegalStateException("the control model " + control.id() + " got no OK plan within "
                            + settings.settle().toSeconds() + " s: are telemetry-ingest and the optimizer running against "
                            + client.bootstrapServers() + " with topic prefix " + client.topics().prefix() + "?");
                }
                suite = suite.withControl(control);
                for (FaultKind kind : settings.kinds()) {
                    rows.add(runOne(suite, kind, progress));
                }
                control.stop(settings.settle());
            }
        }
        return new FaultReport(target, rows, Duration.ofNanos(System.nanoTime() - t0));
    }

    private static FaultRow runOne(Suite suite, FaultKind kind, Consumer<String> progress) {
        if (kind.needsOwnedStack() && suite.owned().isEmpty()) {
            return FaultRow.skipped(kind, "needs the stack the command starts itself (run it without --bootstrap-servers)");
        }
        if (kind == FaultKind.WRONG_PASSWORD) {
            Optional<String> why = WrongPasswordFault.notApplicable(suite);
            if (why.isPresent()) {
                return FaultRow.skipped(kind, why.get());
            }
        }
        progress.accept("chainplan faults: " + kind.label());
        try {
            return fault(kind).run(suite);
        } catch (Exception e) {
            LOG.warn("fault {} failed", kind.label(), e);
            return new FaultRow(kind, 0, "not injected", 0, 0, 0, 0, 0, 0, Optional.empty(), Optional.empty(), List.of(),
                    List.of("the fault could not be injected: " + e), Optional.empty());
        }
    }

    private static Fault fault(FaultKind kind) {
        return switch (kind) {
            case POISON -> new PoisonRecordsFault();
            case TIMESTAMPS -> new TimestampsFault();
            case WRONG_PASSWORD -> new WrongPasswordFault();
            case REGISTRY_OUTAGE -> new RegistryOutageFault();
            case BROKER_RESTART -> new BrokerRestartFault();
            case OPTIMIZER_KILL -> new OptimizerKillFault();
        };
    }

    private static String runId() {
        return Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
    }

    private static Path dirs(Path workDir) {
        try {
            return Files.createDirectories(workDir);
        } catch (java.io.IOException e) {
            throw new LocalStackException("cannot create " + workDir + ": " + e.getMessage(), e);
        }
    }
}
