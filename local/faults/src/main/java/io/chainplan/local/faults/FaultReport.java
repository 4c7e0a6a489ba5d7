package io.chainplan.local.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The suite's result: one {@link FaultRow} per fault kind, as a table or JSON.
 *
 * @param target   what the suite ran against, e.g. {@code in-process stack localhost:9092}
 * @param rows     one per kind, in run order
 * @param duration how long the suite took
 */
public record FaultReport(String target, List<FaultRow> rows, Duration duration) {
    /** Copies the rows. */
    public FaultReport {
        rows = List.copyOf(rows);
    }

    /** @return whether no kind lost or duplicated anything or had a problem */
    public boolean passed() {
        return rows.stream().allMatch(FaultRow::passed);
    }

    /** @return the table, with the notes and problems of each kind below it */
    public String table() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Fault injection against %s (%.0f s):%n", target, duration.toMillis() / 1000.0));
        b.append(String.format(Locale.ROOT, "  %-16s %8s %8s %8s %8s %8s %6s %6s %9s %9s%n", "fault", "injected", "sent",
                "acked", "counted", "dead-let", "lost", "dup", "plan gap", "recovery"));
        for (FaultRow r : rows) {
            if (r.skipped().isPresent()) {
                b.append(String.format(Locale.ROOT, "  %-16s skipped: %s%n", r.kind().label(), r.skipped().get()));
                continue;
            }
            b.append(String.format(Locale.ROOT, "  %-16s %8d %8d %8d %8d %8d %6d %6d %9s %9s%n", r.kind().label(), r.injected(),
                    r.sent(), r.acknowledged(), r.counted(), r.deadLettered(), r.lost(), r.duplicated(), seconds(r.planGap()),
                    seconds(r.recovery())));
        }
        for (FaultRow r : rows) {
            if (r.skipped().isPresent()) {
                continue;
            }
            b.append(String.format(Locale.ROOT, "  %s: %s%n", r.kind().label(), r.what()));
            r.notes().forEach(n -> b.append("      ").append(n).append(System.lineSeparator()));
            r.problems().forEach(p -> b.append("      PROBLEM: ").append(p).append(System.lineSeparator()));
        }
        b.append(passed() ? "  result: nothing lost, nothing duplicated" : "  result: FAILED (lost, duplicated or a problem above)")
                .append(System.lineSeparator());
        return b.toString();
    }

    private static String seconds(Optional<Duration> d) {
        return d.map(x -> String.format(Locale.ROOT, "%.1f s", x.toMillis() / 1000.0)).orElse("-");
    }

    /** @return the report as JSON: target, seconds, passed, and the rows with every column */
    public String json() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("target", target);
        root.put("seconds", duration.toMillis() / 1000.0);
        root.put("passed", passed());
        ArrayNode out = root.putArray("faults");
        for (FaultRow r : rows) {
            ObjectNode n = out.addObject();
            n.put("kind", r.kind().label());
            if (r.skipped().isPresent()) {
                n.put("skipped", r.skipped().get());
                continue;
            }
            n.put("injected", r.injected());
            n.put("what", r.what());
            n.put("sent", r.sent());
            n.put("acknowledged", r.acknowledged());
            n.put("counted", r.counted());
            n.put("deadLettered", r.deadLettered());
            n.put("lost", r.lost());
            n.put("duplicated", r.duplicated());
            r.planGap().ifPresentOrElse(d -> n.put("planGapSeconds", d.toMillis() / 1000.0), () -> n.putNull("planGapSeconds"));
            r.recovery().ifPresentOrElse(d -> n.put("recoverySeconds", d.toMillis() / 1000.0), () -> n.putNull("recoverySeconds"));
            r.notes().forEach(n.putArray("notes")::add);
            ArrayNode problems = n.putArray("problems");
            r.problems().forEach(problems::add);
            n.put("passed", r.passed());
        }
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report as JSON", e);
        }
    }
}
