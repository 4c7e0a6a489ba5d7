package io.chainplan.local.faults;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.producer.Producer;

/**
 * The common course of one fault's run, which each {@link Fault} fills in: its model's traffic starts and
 * the model gets a plan; the fault is injected between {@link #faultStarts()} and {@link #faultEnds()}; then
 * {@link #finish} waits for the outputs (the estimate covering the fault's end, every dead letter the
 * injected records must have) and compares them with what was sent, for the fault's model and the control
 * model.
 */
final class FaultRun {
    private final Suite suite;
    private final FaultKind kind;
    private final SubjectModel subject;
    private final Deliveries injected;
    private final List<Deliveries.Acked> mustDeadLetter = new ArrayList<>();
    private final List<Deliveries.Acked> mustNotDeadLetter = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final List<Long> outputsAt = new ArrayList<>();
    private long extraSent;
    private long extraAcked;
    private long extraCounted;
    private long lost;
    private long duplicated;
    private Duration longestRecovery = Duration.ZERO;
    private long faultStart;
    private long faultEnd;

    /**
     * Starts the fault's model and waits for its first plan.
     *
     * @param suite    the suite
     * @param kind     the fault
     * @param producer sends the model's traffic and the injected records
     */
    FaultRun(Suite suite, FaultKind kind, Producer<byte[], byte[]> producer) {
        this.suite = suite;
        this.kind = kind;
        this.subject = SubjectModel.start(suite, suite.model(kind.label()), producer);
        this.injected = new Deliveries(producer);
        if (!subject.awaitReady(suite.settings().settle())) {
            problems.add("model " + subject.id() + " had no OK plan within " + suite.settings().settle().toSeconds()
                    + " s before the fault");
        }
    }

    /** As {@link #FaultRun(Suite, FaultKind, Producer)} with the suite's producer. */
    FaultRun(Suite suite, FaultKind kind) {
        this(suite, kind, suite.producer());
    }

    SubjectModel subject() {
        return subject;
    }

    Deliveries injected() {
        return injected;
    }

    void faultStarts() {
        faultStart = System.currentTimeMillis();
    }

    void faultEnds() {
        faultEnd = System.currentTimeMillis();
    }

    long faultEndMillis() {
        return faultEnd;
    }

    /** @param what records acknowledged that must be dead-lettered */
    void mustDeadLetter(List<Deliveries.Acked> what) {
        mustDeadLetter.addAll(what);
    }

    /** @param what records acknowledged that are valid and must not be dead-lettered */
    void mustNotDeadLetter(List<Deliveries.Acked> what) {
        mustNotDeadLetter.addAll(what);
    }

    void note(String note) {
        notes.add(note);
    }

    void problem(String problem) {
        problems.add(problem);
    }

    /** @param at wall clock of an output the fault waited for (a plan after a kill): counts toward recovery */
    void outputAt(long at) {
        outputsAt.add(at);
    }

    /** @param recovery a recovery the fault measured itself (after one of several kills): the row shows the longest */
    void recovered(Duration recovery) {
        if (recovery.compareTo(longestRecovery) > 0) {
            longestRecovery = recovery;
        }
    }

    /** Records of the fault's own that are not request events or injected records (the kill's demand steps). */
    void extra(long sent, long acked, long counted, long lostRecords, long duplicatedRecords) {
        extraSent += sent;
        extraAcked += acked;
        extraCounted += counted;
        lost += lostRecords;
        duplicated += duplicatedRecords;
    }

    /**
     * Waits for the outputs, stops the model's traffic and builds the row.
     *
     * @param injectedFaults how many faults were injected
     * @param what           what, in words
     * @return the row
     */
    FaultRow finish(long injectedFaults, String what) {
        Duration settle = suite.settings().settle();
        if (!injected.awaitCompleted(settle)) {
            problems.add("not every injected record was answered by the broker within " + settle.toSeconds() + " s");
        }
        List<Deliveries.Acked> bad = List.copyOf(mustDeadLetter);
        Waits.until(settle, () -> deadLettered(bad).size() == bad.size());
        Set<String> found = deadLettered(bad);
        long missing = bad.size() - found.size();
        bad.stream().filter(a -> !found.contains(id(a))).forEach(a -> problems.add("not dead-lettered: " + a.what()
                + " (" + a.topic() + "-" + a.partition() + "@" + a.offset() + ")"));
        Set<String> wrongly = deadLettered(mustNotDeadLetter);
        mustNotDeadLetter.stream().filter(a -> wrongly.contains(id(a))).forEach(a -> problems.add("a valid record was dead-lettered: "
                + a.what()));
        suite.watch().deadLetters().stream().filter(d -> found.contains(id(d.value()))).mapToLong(OutputWatch.Seen::receivedMillis)
                .max().ifPresent(outputsAt::add);

        long cover = faultEnd + 2 * suite.stepMillis();
        Optional<SubjectModel.Checked> checked = subject.count(cover, settle);
        subject.estimateCovering(faultEnd).ifPresentOrElse(outputsAt::add,
                () -> problems.add("no estimate of " + subject.id() + " after the fault within " + settle.toSeconds() + " s"));
        subject.stop(settle);
        Traffic traffic = subject.traffic();
        long sent;
        long acked;
        long counted;
        if (checked.isPresent()) {
            SubjectModel.Checked c = checked.get();
            sent = traffic.sentIn(c.fromMillis(), c.toMillis());
            acked = c.count().expected();
            counted = c.count().counted();
            lost += c.count().lost();
            duplicated += c.count().duplicated();
            notes.add(String.format(Locale.ROOT, "%s: the estimate at %s counted %d arrivals of its %.0f s window, %d acknowledged"
                            + " (the model's traffic: %d arrivals sent, %d acknowledged)", subject.id(),
                    Instant.ofEpochMilli(c.toMillis()), c.count().counted(), (c.toMillis() - c.fromMillis()) / 1000.0,
                    c.count().expected(), traffic.sent(), traffic.acked().size()));
        } else {
            sent = traffic.sent();
            acked = traffic.acked().size();
            counted = 0;
            lost += acked;
        }
        Optional<SubjectModel.Checked> control = suite.control().count(cover, settle);
        control.ifPresentOrElse(c -> {
            lost += c.count().lost();
            duplicated += c.count().duplicated();
            notes.add(String.format(Locale.ROOT, "control model %s (unaffected): its estimate counted %d arrivals of its %.0f s"
                    + " window, %d acknowledged", suite.control().id(), c.count().counted(), (c.toMillis() - c.fromMillis()) / 1000.0,
                    c.count().expected()));
        }, () -> problems.add("no estimate of the control model after the fault within " + settle.toSeconds() + " s"));

        long recoveredAt = outputsAt.stream().mapToLong(Long::longValue).max().orElse(faultEnd);
        Duration recovery = Duration.ofMillis(Math.max(0, recoveredAt - faultEnd));
        recovery = recovery.compareTo(longestRecovery) >= 0 ? recovery : longestRecovery;
        Duration gap = suite.controlPlanGap(faultStart, Math.max(recoveredAt, faultEnd));
        return new FaultRow(kind, injectedFaults, what, sent + injected.sent() + extraSent,
                acked + injected.acked().size() + extraAcked, counted + extraCounted, found.size(), lost + missing + wrongly.size(),
                duplicated, Optional.of(gap), Optional.of(recovery), notes, problems, Optional.empty());
    }

    private Set<String> deadLettered(List<Deliveries.Acked> records) {
        Set<String> wanted = new HashSet<>();
        records.forEach(a -> wanted.add(id(a)));
        Set<String> found = new HashSet<>();
        for (OutputWatch.Seen<OutputWatch.DeadLetter> d : suite.watch().deadLetters()) {
            String id = id(d.value());
            if (wanted.contains(id)) {
                found.add(id);
            }
        }
        return found;
    }

    private static String id(Deliveries.Acked a) {
        return a.topic() + "-" + a.partition() + "@" + a.offset();
    }

    private static String id(OutputWatch.DeadLetter d) {
        return d.topic() + "-" + d.partition() + "@" + d.offset();
    }
}
