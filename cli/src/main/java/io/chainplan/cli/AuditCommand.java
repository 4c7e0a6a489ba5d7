package io.chainplan.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chainplan.cli.format.PlanFiles;
import io.chainplan.local.loop.PlanPage;
import io.chainplan.local.loop.PlanPageModel;
import io.chainplan.local.loop.RunRecorder;
import io.chainplan.optimizer.audit.AvroJson;
import io.chainplan.optimizer.audit.PlanAudit;
import io.chainplan.optimizer.audit.PlanLog;
import io.chainplan.optimizer.replan.PaperSolver;
import io.chainplan.optimizer.replan.PlacementDiff;
import io.chainplan.optimizer.service.AvroMappers;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.config.ClientConfig;
import io.chainplan.schemas.serde.AvroDeserializer;
import io.chainplan.schemas.serde.RegistryUnavailableException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code chainplan audit list|show|diff|replay}: the plan history of a model, read from the plans
 * topic ({@code read_committed}); no database. Plans that do not decode are skipped and counted on
 * stderr; a schema registry that cannot serve them is a failure (exit 1, one line naming it).
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Audit the plans of a model from the plans topic: list, show, diff, replay.",
        subcommands = {AuditCommand.ListPlans.class, AuditCommand.Show.class, AuditCommand.Diff.class,
            AuditCommand.Replay.class, AuditCommand.Serve.class})
final class AuditCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options every audit subcommand takes. */
    static class Common {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--config", paramLabel = "FILE", description = "Properties file (Kafka client + registry).")
        Path config;

        @Option(names = "--model", required = true, paramLabel = "ID", description = "Model id.")
        String model;

        @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT", description = "table or json.")
        String format;

        @Option(names = "--timeout", defaultValue = "PT60S", paramLabel = "DURATION",
                description = "Longest time to read the topic (ISO-8601, default PT60S).")
        Duration timeout;

        @CommandLine.Mixin

        VerboseOption verbose;

        List<ChainPlan> plans() {
            if (!format.equals("table") && !format.equals("json")) {
                throw new UsageException("--format must be table or json, was " + format);
            }
            ClientConfig client = CliSupport.load(config);
            CliSupport.requireBroker(client);
            PlanLog.Result r;
            try {
                r = PlanLog.read(client.kafkaProperties(), client.topics().plans(),
                        new AvroDeserializer<>(ChainPlan.class, client.schemaRegistry()), model::equals, timeout);
            } catch (RegistryUnavailableException e) {
                throw CliSupport.registryUnavailable(client, e);
            }
            if (r.unreadable() > 0) {
                spec.commandLine().getErr().println("chainplan audit: skipped " + r.unreadable() + " unreadable records");
            }
            return r.plans();
        }

        boolean json() {
            return format.equals("json");
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        void print(Object tree) throws Exception {
            out().println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(tree));
        }
    }

    /** {@code audit list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "One line per plan.")
    static final class ListPlans extends Common implements Callable<Integer> {
        @Option(names = "--since", paramLabel = "TIME", description = "Only plans created at or after this ISO-8601 instant.")
        String since;

        @Override
        public Integer call() throws Exception {
            Optional<Instant> from;
            try {
                from = Optional.ofNullable(since).map(Instant::parse);
            } catch (DateTimeParseException e) {
                throw new UsageException("--since must be an ISO-8601 instant such as 2026-01-01T00:00:00Z, was " + since);
            }
            List<PlanAudit.Row> rows = PlanAudit.list(plans(), from);
            if (json()) {
                ArrayNode a = new ObjectMapper().createArrayNode();
                for (PlanAudit.Row r : rows) {
                    a.addObject().put("epoch", r.epoch()).put("createdAt", r.createdAt().toString())
                            .put("trigger", r.trigger()).put("detail", r.detail()).put("status", r.status())
                            .put("rate", r.rate()).put("c", r.c()).put("chains", r.chains())
                            .put("lowerSeconds", r.lower()).put("upperSeconds", r.upper())
                            .put("blocksMoved", r.blocksMoved()).put("placementKept", r.kept());
                }
                print(a);
                return 0;
            }
            out().printf(Locale.ROOT, "%6s  %-24s  %-21s  %-10s  %8s  %4s  %6s  %9s  %9s  %6s  %s%n", "epoch", "created",
                    "trigger", "status", "rate", "c", "chains", "lower_s", "upper_s", "moved", "placement");
            for (PlanAudit.Row r : rows) {
                out().printf(Locale.ROOT, "%6d  %-24s  %-21s  %-10s  %8.4f  %4d  %6d  %9.3f  %9.3f  %6d  %s%n", r.epoch(),
                        r.createdAt(), r.trigger(), r.status(), r.rate(), r.c(), r.chains(), r.lower(), r.upper(),
                        r.blocksMoved(), r.kept() ? "kept" : "new");
            }
            return 0;
        }
    }

    /** {@code audit show EPOCH}. */
    @Command(name = "show", mixinStandardHelpOptions = true, description = "Everything one plan carries.")
    static final class Show extends Common implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "EPOCH", description = "Plan epoch.")
        long epoch;

        @Override
        public Integer call() throws Exception {
            ChainPlan p = find(plans(), epoch);
            if (json()) {
                print(showJson(p));
                return 0;
            }
            PrintWriter o = out();
            o.printf(Locale.ROOT, "plan %d of %s, created %s%n", p.getEpoch(), p.getModelId(), p.getCreatedAtMillis());
            o.printf(Locale.ROOT, "trigger  %s: %s%n", p.getTrigger().getKind(), p.getTrigger().getDetail());
            o.printf(Locale.ROOT, "status   %s%s%n", p.getStatus(), p.getReason() == null ? "" : " (" + p.getReason() + ")");
            o.printf(Locale.ROOT, "inputs   L=%d, %d servers, lambda=%.4f, rho=%.2f, objective=%s, %s%n",
                    p.getInputs().getModel().getBlocks(), p.getInputs().getServers().size(), p.getArrivalRate(),
                    p.getInputs().getTargetLoad(), p.getInputs().getObjective(),
                    p.getInputs().getFixedPlacement().isEmpty() ? "full search" : "placement kept");
            o.printf(Locale.ROOT, "c=%d  nu=%.4f req/s  bounds=%s  solve %.1f ms (%d candidates)%n", p.getC(),
                    p.getTotalServiceRatePerSecond(), p.getBounds() == null ? "none"
                            : String.format(Locale.ROOT, "[%.3f, %.3f] s", p.getBounds().getLowerSeconds(),
                                    p.getBounds().getUpperSeconds()),
                    p.getSolver().getMillis(), p.getSolver().getCandidatesTried());
            if (p.getReplaces() != null) {
                var r = p.getReplaces();
                o.printf(Locale.ROOT, "replaces %d: %d servers, %d blocks, %d bytes moved; %s%n", r.getPreviousEpoch(),
                        r.getServersMoved(), r.getBlocksMoved(), r.getBytesMoved(), r.getDecision());
            }
            o.println("placements:");
            p.getPlacements().forEach(a -> o.printf(Locale.ROOT, "  %-12s [%d, %d)  slots %d%n", a.getServerId(),
                    a.getStartBlock(), a.getEndBlock(), a.getCacheSlots()));
            o.println("chains (fastest first):");
            p.getChains().forEach(c -> o.printf(Locale.ROOT, "  T=%.3f s  %s%n", c.getServiceSeconds(), PlanAudit.chain(c)));
            return 0;
        }
    }

    /** {@code audit diff A B}. */
    @Command(name = "diff", mixinStandardHelpOptions = true, description = "Per-server ranges and chains between two plans.")
    static final class Diff extends Common implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "A", description = "Older epoch.")
        long a;

        @Parameters(index = "1", paramLabel = "B", description = "Newer epoch.")
        long b;

        @Override
        public Integer call() throws Exception {
            List<ChainPlan> plans = plans();
            PlanAudit.Diff d = PlanAudit.diff(find(plans, a), find(plans, b));
            if (json()) {
                print(new ObjectMapper().valueToTree(d));
                return 0;
            }
            out().printf(Locale.ROOT, "plan %d -> %d: %d blocks newly loaded%n", d.from(), d.to(), d.blocksMoved());
            for (PlacementDiff.ServerChange c : d.servers()) {
                out().printf(Locale.ROOT, "  %-12s %-10s -> %-10s%s%n", c.serverId(), range(c.oldRange()),
                        range(c.newRange()), c.moved() ? "  (+" + c.newBlocks() + " blocks)" : "");
            }
            d.chainsRemoved().forEach(c -> out().println("  - " + c));
            d.chainsAdded().forEach(c -> out().println("  + " + c));
            return 0;
        }

        private static String range(Optional<io.chainplan.optimizer.model.BlockRange> r) {
            return r.map(Object::toString).orElse("-");
        }
    }

    /** {@code audit replay [EPOCH|--all]}. */
    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Solve recorded inputs again; report identical or what differs. Exit 1 if any differs.")
    static final class Replay extends Common implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", paramLabel = "EPOCH", description = "Plan epoch (or --all).")
        Long epoch;

        @Option(names = "--all", description = "Replay every plan of the model.")
        boolean all;

        @Override
        public Integer call() throws Exception {
            if ((epoch == null) == !all) {
                throw new UsageException("give either EPOCH or --all");
            }
            List<ChainPlan> plans = plans();
            List<ChainPlan> chosen = all ? plans : List.of(find(plans, epoch));
            PaperSolver solver = new PaperSolver(Math.max(1, Runtime.getRuntime().availableProcessors()));
            List<PlanAudit.Replay> results = new ArrayList<>();
            chosen.forEach(p -> results.add(PlanAudit.replay(p, solver)));
            if (json()) {
                print(new ObjectMapper().valueToTree(results));
            } else {
                for (PlanAudit.Replay r : results) {
                    out().printf(Locale.ROOT, "%6d  %s%n", r.epoch(), r.identical() ? "identical" : "DIFFERS");
                    r.differences().forEach(x -> out().println("        " + x));
                }
            }
            return results.stream().allMatch(PlanAudit.Replay::identical) ? 0 : 1;
        }
    }

    /**
     * The JSON of {@code audit show}: the plan's epoch, creation time, trigger, recorded inputs and
     * what it replaced (as recorded), around the plan itself under {@code plan}, written by
     * {@link PlanFiles#tree} exactly as {@code chainplan solve --format json} writes a plan.
     *
     * @param p a recorded plan
     * @return its JSON tree
     */
    static ObjectNode showJson(ChainPlan p) {
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("epoch", p.getEpoch());
        root.put("createdAt", p.getCreatedAtMillis().toString());
        root.set("trigger", AvroJson.of(p.getTrigger()));
        root.set("inputs", AvroJson.of(p.getInputs()));
        if (p.getReplaces() == null) {
            root.putNull("replaces");
        } else {
            root.set("replaces", AvroJson.of(p.getReplaces()));
        }
        root.set("plan", PlanFiles.tree(AvroMappers.plan(p)));
        return root;
    }

    static ChainPlan find(List<ChainPlan> plans, long epoch) {
        try {
            return PlanAudit.find(plans, epoch);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }


    /** {@code audit serve}: the live plan page against a cluster's plans topic. */
    @Command(name = "serve", mixinStandardHelpOptions = true, description = {
        "Serve the live plan page of a model from the plans topic (the page chainplan local serves): the plan in",
        "force with each server's blocks, its chains and the plan history with triggers and moves, re-read every",
        "--refresh. Prints the page's address; runs until Ctrl-C."})
    static final class Serve extends Common implements Callable<Integer> {
        @Option(names = "--port", paramLabel = "N", defaultValue = "" + PlanPage.DEFAULT_PORT,
                description = "Port of the page on localhost, 0 for a free one (default ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--refresh", paramLabel = "DURATION", defaultValue = "PT5S",
                description = "How often the plans topic is re-read (ISO-8601, default ${DEFAULT-VALUE}).")
        Duration refresh;

        @Override
        public Integer call() throws Exception {
            if (refresh.isNegative() || refresh.isZero()) {
                throw new UsageException("--refresh must be positive, was " + refresh);
            }
            AtomicReference<String> document = new AtomicReference<>(PlanPageModel.forPlans(model, List.of()));
            document.set(document(plans()));
            try (PlanPage page = PlanPage.start(port, document::get)) {
                out().println("chainplan audit serve: plan page " + page.address() + " for model " + model
                        + " (Ctrl-C stops)");
                out().flush();
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        Thread.sleep(refresh.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                    document.set(document(plans()));
                }
            }
            return 0;
        }

        /** The plans, timed in seconds since the first one was created. */
        private String document(List<ChainPlan> plans) {
            long t0 = plans.isEmpty() ? 0 : plans.get(0).getCreatedAtMillis().toEpochMilli();
            return PlanPageModel.forPlans(model, plans.stream().map(p -> new RunRecorder.ObservedPlan(
                    (p.getCreatedAtMillis().toEpochMilli() - t0) / 1000.0, p)).toList());
        }
    }
}
