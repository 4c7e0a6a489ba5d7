package io.chainplan.local.faults;

import io.chainplan.optimizer.service.OptimizerConfig;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.config.SaslConfigs;

/**
 * A wrong password: a {@code chainplan optimizer} child process whose SASL credentials the cluster refuses must
 * fail with one clear line and a non-zero exit code (not a restart loop), while the fault's model, whose traffic
 * comes over SASL with the right password, and the control model are counted as if nothing happened. Needs a
 * SASL listener: the owned stack has one; against a cluster, the client properties must use SASL with a
 * {@code password="..."} in {@code sasl.jaas.config}.
 */
final class WrongPasswordFault implements Fault {
    private static final Pattern PASSWORD = Pattern.compile("password=\"([^\"]*)\"");

    @Override
    public FaultKind kind() {
        return FaultKind.WRONG_PASSWORD;
    }

    /**
     * @param suite the suite
     * @return why the fault cannot run against this cluster, if it cannot
     */
    static Optional<String> notApplicable(Suite suite) {
        if (suite.owned().isPresent()) {
            return Optional.empty();
        }
        Object protocol = suite.kafka().get(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG);
        Object jaas = suite.kafka().get(SaslConfigs.SASL_JAAS_CONFIG);
        if (protocol == null || !protocol.toString().startsWith("SASL_") || jaas == null
                || !PASSWORD.matcher(jaas.toString()).find()) {
            return Optional.of("the client properties use no SASL password (security.protocol=" + protocol
                    + "); give a --config with SASL_PLAINTEXT or SASL_SSL and sasl.jaas.config ... password=\"...\"");
        }
        return Optional.empty();
    }

    @Override
    public FaultRow run(Suite suite) throws Exception {
        Map<String, Object> good = suite.owned().map(o -> o.sasl(o.password())).orElse(suite.kafka());
        Map<String, Object> bad = new HashMap<>(good);
        bad.put(SaslConfigs.SASL_JAAS_CONFIG, PASSWORD.matcher(good.get(SaslConfigs.SASL_JAAS_CONFIG).toString())
                .replaceFirst(Matcher.quoteReplacement("password=\"not-" + suite.runId() + "\"")));
        try (KafkaProducer<byte[], byte[]> producer = Suite.producer(good)) {
            FaultRun run = new FaultRun(suite, kind(), producer);
            Path config = writeConfig(suite, bad);
            Path log = suite.workDir().resolve("wrong-password-optimizer.log");
            run.faultStarts();
            long started = System.currentTimeMillis();
            Process p = suite.launcher().start(List.of("optimizer", "--config", config.toString()), log);
            Duration settle = suite.settings().settle();
            boolean exited = p.waitFor(settle.toMillis(), TimeUnit.MILLISECONDS);
            long took = System.currentTimeMillis() - started;
            run.faultEnds();
            String last = lastLine(log);
            if (!exited) {
                p.destroyForcibly().waitFor(1, TimeUnit.MINUTES);
                run.problem("chainplan optimizer with a wrong password was still running after " + settle.toSeconds() + " s");
            } else if (p.exitValue() == 0) {
                run.problem("chainplan optimizer with a wrong password exited 0");
            } else {
                run.note(String.format(Locale.ROOT, "chainplan optimizer with a wrong password: exit %d after %.1f s: %s",
                        p.exitValue(), took / 1000.0, last));
            }
            return run.finish(1, "a chainplan optimizer process with a wrong SASL password, beside clients with the"
                    + " right one (the fault's model sends over SASL)");
        }
    }

    private static Path writeConfig(Suite suite, Map<String, Object> kafka) throws IOException {
        Properties p = new Properties();
        suite.client().all().forEach(p::setProperty);
        kafka.forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
        p.setProperty(OptimizerConfig.INSTANCE_ID_CONFIG, "faults-wrong-password");
        p.setProperty(OptimizerConfig.GROUP_ID_CONFIG, "faults-wrong-password-" + suite.runId());
        p.setProperty(OptimizerConfig.METRICS_PORT_CONFIG, "-1");
        Path file = suite.workDir().resolve("wrong-password.properties");
        try (Writer w = Files.newBufferedWriter(file)) {
            p.store(w, "chainplan faults: an optimizer with a wrong password");
        }
        return file;
    }

    private static String lastLine(Path log) throws IOException {
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (!lines.get(i).isBlank()) {
                return lines.get(i).trim();
            }
        }
        return "(no output)";
    }
}
