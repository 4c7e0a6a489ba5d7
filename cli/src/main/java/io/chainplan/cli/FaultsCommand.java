package io.chainplan.cli;

import io.chainplan.local.faults.ChainplanLauncher;
import io.chainplan.local.faults.FaultKind;
import io.chainplan.local.faults.FaultReport;
import io.chainplan.local.faults.FaultSettings;
import io.chainplan.local.faults.FaultSuite;
import io.chainplan.schemas.config.ClientConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chainplan faults}: the fault-injection suite of issue 13 ({@link FaultSuite}). Without
 * {@code --bootstrap-servers} or {@code --config} it starts the stack itself (the in-process broker with a SASL
 * listener, the registry, telemetry-ingest, and {@code chainplan optimizer} as a child process it kills) and
 * injects every kind; against a cluster it injects the record-level kinds (poison, timestamps, wrong password)
 * into the telemetry-ingest and optimizer running there. Prints the report (a table, or JSON with
 * {@code --format json}); exit 0 if no kind lost or duplicated a record or had a problem, 1 otherwise, 2 on a bad
 * option.
 */
@Command(name = "faults", mixinStandardHelpOptions = true,
        description = {"Inject faults into telemetry-ingest and the optimizer and report records sent, acknowledged, counted,"
            + " dead-lettered, lost and duplicated, the time without a plan for an unaffected model and the recovery time.",
            "Kinds: poison, timestamps, wrong-password (also against a cluster), registry-outage, broker-restart,"
                + " optimizer-kill (only on the stack the command starts itself, the default).",
            "Exit 0 if nothing was lost or duplicated, 1 otherwise, 2 on a bad option."})
final class FaultsCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--kinds", paramLabel = "LIST", split = ",", description = "Fault kinds to inject, in order (default: all).")
    private List<String> kinds;

    @Option(names = "--bootstrap-servers", paramLabel = "HOSTS",
            description = "Run against this cluster (ingest and the optimizer already running there) instead of an own stack.")
    private String bootstrapServers;

    @Option(names = "--schema-registry-url", paramLabel = "URL", description = "The cluster's schema registry.")
    private String schemaRegistryUrl;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Client properties of the cluster (Kafka security, schema.registry.*, topic.prefix); implies a cluster.")
    private Path config;

    @Option(names = "--rate", paramLabel = "R", defaultValue = "4", description = "Arrivals per second of each model (default ${DEFAULT-VALUE}).")
    private double rate;

    @Option(names = "--outage", paramLabel = "D", defaultValue = "5s", converter = DurationConverter.class,
            description = "How long the registry and the broker stay down (default ${DEFAULT-VALUE}).")
    private Duration outage;

    @Option(names = "--kills", paramLabel = "N", defaultValue = "5", description = "SIGKILLs of the optimizer (default ${DEFAULT-VALUE}).")
    private int kills;

    @Option(names = "--settle", paramLabel = "D", defaultValue = "2m", converter = DurationConverter.class,
            description = "Longest wait for an expected output before it counts as missing (default ${DEFAULT-VALUE}).")
    private Duration settle;

    @Option(names = "--max-future-skew", paramLabel = "D", defaultValue = "300s", converter = DurationConverter.class,
            description = "The ingest's chainplan.ingest.max.future.skew.ms (default ${DEFAULT-VALUE}).")
    private Duration maxFutureSkew;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "13", description = "Seeds when the kills happen (default ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--port", paramLabel = "N", defaultValue = "0", description = "Own stack: the broker's port (default 0: any free).")
    private int port;

    @Option(names = "--registry-port", paramLabel = "N", defaultValue = "0", description = "Own stack: the registry's port (default 0: any free).")
    private int registryPort;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data and logs (default ./.chainplan/faults-<time>; the optimizer's and the suite's logs are kept there).")
    private Path dataDir;

    @Option(names = "--format", paramLabel = "F", defaultValue = "table", description = "table or json (default ${DEFAULT-VALUE}).")
    private String format;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the report to FILE.")
    private Path out;

    @CommandLine.Mixin
    private VerboseOption verbose;

    @Override
    public Integer call() throws IOException {
        FaultSettings settings = settings();
        if (!format.equals("table") && !format.equals("json")) {
            throw new UsageException("--format must be table or json, was '" + format + "'");
        }
        checkPort("--port", port);
        checkPort("--registry-port", registryPort);
        boolean cluster = bootstrapServers != null || config != null;
        if (!cluster && schemaRegistryUrl != null) {
            throw new UsageException("--schema-registry-url needs --bootstrap-servers (the own stack has its own registry)");
        }
        ClientConfig client = cluster ? clusterClient() : null;
        Path dir = (dataDir != null ? dataDir : Path.of("./.chainplan", "faults-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)))).toAbsolutePath().normalize();
        Files.createDirectories(dir);
        Path log = dir.resolve("faults.log");
        LogFile.redirectTo(log);
        ChainplanLauncher launcher = ChainplanLauncher.sameJvm(Main.class.getName());
        var err = spec.commandLine().getErr();
        err.println("chainplan faults: log " + log);
        FaultReport report;
        if (cluster) {
            report = FaultSuite.runExternal(settings, client, launcher, dir, err::println);
        } else {
            report = FaultSuite.runOwned(settings, launcher, dir, port, registryPort, err::println);
        }
        String text = format.equals("json") ? report.json() + System.lineSeparator() : report.table();
        spec.commandLine().getOut().print(text);
        spec.commandLine().getOut().flush();
        if (out != null) {
            Files.writeString(out, text);
        }
        return report.passed() ? 0 : 1;
    }

    /** The cluster's settings: {@code --config}, then the options; checked, and the cluster reached, before anything runs. */
    private ClientConfig clusterClient() {
        ClientConfig client = CliSupport.load(config);
        if (bootstrapServers != null) {
            client = client.with(ClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        }
        if (schemaRegistryUrl != null) {
            client = client.with(ClientConfig.SCHEMA_REGISTRY_URL_CONFIG, schemaRegistryUrl);
        }
        CliSupport.requireBroker(client);
        return client;
    }

    private FaultSettings settings() {
        List<FaultKind> chosen = new ArrayList<>();
        try {
            if (kinds == null || kinds.isEmpty()) {
                chosen.addAll(List.of(FaultKind.values()));
            } else {
                kinds.forEach(k -> chosen.add(FaultKind.of(k)));
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException("--kinds: " + e.getMessage());
        }
        if (!(rate > 0 && rate <= 1000)) {
            throw new UsageException("--rate must be in (0, 1000], was " + rate);
        }
        if (kills < 1) {
            throw new UsageException("--kills must be >= 1, was " + kills);
        }
        requirePositive("--outage", outage);
        requirePositive("--settle", settle);
        requirePositive("--max-future-skew", maxFutureSkew);
        return new FaultSettings(chosen, rate, outage, kills, settle, maxFutureSkew, seed);
    }

    private static void requirePositive(String option, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new UsageException(option + " must be positive, was " + d);
        }
    }

    private static void checkPort(String option, int p) {
        if (p < 0 || p > 65535) {
            throw new UsageException(option + " must be in [0, 65535], was " + p);
        }
    }
}
