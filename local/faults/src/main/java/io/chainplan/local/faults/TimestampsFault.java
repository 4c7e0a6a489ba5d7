package io.chainplan.local.faults;

import io.chainplan.schemas.serde.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;

/**
 * Clock skew: events dated 0.8 of the allowed skew ahead of the wall clock (valid), twice the skew ahead
 * (invalid: dead-lettered) and an hour in the past (beyond the estimation horizon: skipped, by design). The
 * events dated ahead inside the skew go to a second model of the fault's that shares its partition of the
 * requests topic, since such an event moves the partition's stream time (issue 13, item 2: one event 240 s
 * ahead blinded the demand estimates of every model); the fault's own model and the control model must go on
 * being counted, every step, without loss.
 */
final class TimestampsFault implements Fault {
    private static final int EACH = 3;
    private static final Duration PAST = Duration.ofHours(1);

    @Override
    public FaultKind kind() {
        return FaultKind.TIMESTAMPS;
    }

    @Override
    public FaultRow run(Suite suite) throws Exception {
        Topics t = suite.topics();
        String subject = suite.model(kind().label());
        String ahead = besideOnItsPartition(suite, subject);
        // the model of the events dated ahead is declared first, so that ingest knows it when they come
        SubjectModel.send(suite.producer(), new ProducerRecord<>(t.models(), ahead.getBytes(StandardCharsets.UTF_8),
                suite.serdes().models().serialize(t.models(), Records.model(ahead))));
        FaultRun run = new FaultRun(suite, kind());
        long skew = suite.settings().maxFutureSkew().toMillis();
        Deliveries d = run.injected();
        run.faultStarts();
        long now = System.currentTimeMillis();
        for (int i = 0; i < EACH; i++) {
            d.send("valid: " + ahead + " dated " + (skew * 8 / 10 / 1000) + " s ahead", t.requests(), ahead,
                    arrival(suite, ahead, "ahead-" + i, now + skew * 8 / 10));
            d.send("invalid: " + subject + " dated " + (2 * skew / 1000) + " s ahead", t.requests(), subject,
                    arrival(suite, subject, "far-ahead-" + i, now + 2 * skew));
            d.send("valid, beyond the horizon: " + subject + " dated " + PAST.toMinutes() + " min ago", t.requests(), subject,
                    arrival(suite, subject, "past-" + i, now - PAST.toMillis()));
        }
        d.awaitCompleted(suite.settings().settle());
        run.faultEnds();
        List<Deliveries.Acked> invalid = new ArrayList<>();
        List<Deliveries.Acked> valid = new ArrayList<>();
        d.acked().forEach(a -> (a.what().startsWith("invalid") ? invalid : valid).add(a));
        run.mustDeadLetter(invalid);
        run.mustNotDeadLetter(valid);
        run.note(String.format(Locale.ROOT, "%d events of %s %d s ahead accepted (counted once the clock reaches them); %d events"
                + " %d min old skipped as older than the horizon (by design, chainplan_ingest_skipped_total{reason=\"older-than-horizon\"});"
                + " %d events %d s ahead are invalid", EACH, ahead, skew * 8 / 10 / 1000, EACH, PAST.toMinutes(), EACH, 2 * skew / 1000));
        return run.finish(d.sent(), "events dated ahead (inside and beyond the allowed " + skew / 1000 + " s) and "
                + PAST.toMinutes() + " min in the past");
    }

    private static byte[] arrival(Suite suite, String model, String id, long at) {
        return suite.serdes().requests().serialize(suite.topics().requests(), Records.arrival(model, model + "-" + id, at));
    }

    /** @return a model id whose records go to the same partition of the requests topic as {@code model}'s */
    private static String besideOnItsPartition(Suite suite, String model) {
        int partitions = suite.producer().partitionsFor(suite.topics().requests()).size();
        int wanted = partition(model, partitions);
        for (int i = 0; ; i++) {
            String id = suite.model("timestamps-ahead-" + i);
            if (partition(id, partitions) == wanted) {
                return id;
            }
        }
    }

    private static int partition(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
