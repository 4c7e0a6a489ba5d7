package io.chainplan.local.faults;

import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.DemandEstimate;
import io.chainplan.schemas.avro.PlanStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A model of the suite's own ({@code faults-<run>-<name>}): its spec, three servers that serve only it, and
 * its steady good traffic; and what telemetry-ingest counted of that traffic and the optimizer planned for it,
 * as the suite's {@link OutputWatch} saw them.
 */
final class SubjectModel implements AutoCloseable {
    private static final Duration SEND = Duration.ofMinutes(2);
    private final String model;
    private final Traffic traffic;
    private final OutputWatch watch;

    private SubjectModel(String model, Traffic traffic, OutputWatch watch) {
        this.model = model;
        this.traffic = traffic;
        this.watch = watch;
    }

    /**
     * Publishes the model's spec and starts its traffic.
     *
     * @param suite    the suite
     * @param model    the model id
     * @param producer sends the spec and the traffic
     * @return the running model
     */
    static SubjectModel start(Suite suite, String model, Producer<byte[], byte[]> producer) {
        return start(suite, model, producer, suite.settings().ratePerSecond());
    }

    /**
     * @param suite    the suite
     * @param model    the model id
     * @param producer sends the spec and the telemetry
     * @return a model whose servers report but which has no traffic (its demand is set directly)
     */
    static SubjectModel startFleetOnly(Suite suite, String model, Producer<byte[], byte[]> producer) {
        return start(suite, model, producer, 0);
    }

    private static SubjectModel start(Suite suite, String model, Producer<byte[], byte[]> producer, double rate) {
        send(producer, new ProducerRecord<>(suite.topics().models(), model.getBytes(StandardCharsets.UTF_8),
                suite.serdes().models().serialize(suite.topics().models(), Records.model(model))));
        Traffic t = new Traffic(producer, suite.topics(), suite.serdes(), model, servers(model), suite.stepMillis(), rate);
        return new SubjectModel(model, t, suite.watch());
    }

    static void send(Producer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record) {
        try {
            producer.send(record).get(SEND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending to " + record.topic(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot send to " + record.topic() + ": " + e, e);
        }
    }

    /** @return the servers of a model: {@code <model>-s1 .. s3} */
    static List<String> servers(String model) {
        return List.of(model + "-s1", model + "-s2", model + "-s3");
    }

    /** @return the model id */
    String id() {
        return model;
    }

    /** @return its traffic */
    Traffic traffic() {
        return traffic;
    }

    /**
     * @param timeout longest wait
     * @return whether the model has a demand estimate and an {@code OK} plan
     */
    boolean awaitReady(Duration timeout) {
        return Waits.until(timeout, () -> !watch.estimates(model).isEmpty()
                && watch.plans(model).stream().anyMatch(p -> p.value().getStatus() == PlanStatus.OK));
    }

    /**
     * @param boundaryMillis an event time
     * @return when the suite read the first estimate whose boundary is at or after it
     */
    Optional<Long> estimateCovering(long boundaryMillis) {
        return watch.estimates(model).stream().filter(e -> e.value().getTimestampMillis().toEpochMilli() >= boundaryMillis)
                .map(OutputWatch.Seen::receivedMillis).findFirst();
    }

    /**
     * Waits for an estimate at or after {@code coverMillis} whose arrivals have all been answered by the broker,
     * and compares the newest such estimate with the acknowledged arrivals ({@link Accounting#count}).
     *
     * @param coverMillis event time the estimate must reach
     * @param timeout     longest wait
     * @return the estimate's window and the comparison, or empty if no such estimate came
     */
    Optional<Checked> count(long coverMillis, Duration timeout) {
        Waits.until(timeout, () -> checkable(coverMillis).isPresent());
        return checkable(coverMillis).map(e -> {
            long to = e.getTimestampMillis().toEpochMilli();
            return new Checked(to - Math.round(e.getWindowSeconds() * 1000), to,
                    Accounting.count(traffic.acked(), to, e.getWindowSeconds(), e.getArrivals()));
        });
    }

    /**
     * One estimate checked against the traffic.
     *
     * @param fromMillis start of its window (event time)
     * @param toMillis   its boundary
     * @param count      the comparison
     */
    record Checked(long fromMillis, long toMillis, Accounting.Count count) {
    }

    private Optional<DemandEstimate> checkable(long coverMillis) {
        long answered = traffic.completedThroughMillis();
        List<OutputWatch.Seen<DemandEstimate>> all = watch.estimates(model);
        for (int i = all.size() - 1; i >= 0; i--) {
            long t = all.get(i).value().getTimestampMillis().toEpochMilli();
            if (t >= coverMillis && t <= answered) {
                return Optional.of(all.get(i).value());
            }
        }
        return Optional.empty();
    }

    /** @return the model's plans read so far */
    List<OutputWatch.Seen<ChainPlan>> plans() {
        return watch.plans(model);
    }

    /**
     * Stops the traffic, waiting for the broker's answers.
     *
     * @param timeout longest wait
     */
    void stop(Duration timeout) {
        traffic.stop(timeout);
    }

    @Override
    public void close() {
        traffic.close();
    }
}
