package io.chainplan.local.faults;

import io.chainplan.schemas.avro.RequestEvent;
import io.chainplan.schemas.avro.ServerTelemetry;
import io.chainplan.schemas.serde.FreshSchemaIds;
import io.chainplan.schemas.serde.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The steady good traffic of one model: an arrival every {@code period} of event time (event {@code i} at
 * {@code base + i * period}, sent when the wall clock reaches it, so that every step bucket of the estimate
 * holds the same count), and each server's telemetry every second. Keeps the event times of the arrivals the
 * broker acknowledged, and how far acknowledgements are complete: an estimate can be checked once every
 * arrival before its boundary has been answered.
 */
final class Traffic implements AutoCloseable {
    private static final long TELEMETRY_MILLIS = 1000;
    private final Producer<byte[], byte[]> producer;
    private final Topics topics;
    private final String model;
    private final List<String> servers;
    private final long baseMillis;
    private final long periodMillis;
    private final Function<RequestEvent, byte[]> requests;
    private final Function<ServerTelemetry, byte[]> telemetry;
    private final AtomicReference<Integer> freshSchemaId = new AtomicReference<>();
    private final ScheduledExecutorService timer;
    private final ConcurrentLinkedQueue<Long> acked = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Long> sentTimes = new ConcurrentLinkedQueue<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong completedThrough = new AtomicLong(Long.MIN_VALUE);
    private long next;
    private long nextTelemetry;

    Traffic(Producer<byte[], byte[]> producer, Topics topics, Serdes serdes, String model, List<String> servers, long stepMillis,
            double ratePerSecond) {
        this.producer = producer;
        this.topics = topics;
        this.model = model;
        this.servers = List.copyOf(servers);
        // a rate of 0: telemetry only
        this.periodMillis = ratePerSecond > 0 ? Math.max(1, Math.round(1000 / ratePerSecond)) : Long.MAX_VALUE / 4;
        // aligned to the step, so the first bucket is whole
        this.baseMillis = (System.currentTimeMillis() / stepMillis + 1) * stepMillis;
        this.requests = e -> serdes.requests().serialize(topics.requests(), e);
        this.telemetry = t -> serdes.telemetry().serialize(topics.telemetry(), t);
        this.nextTelemetry = System.currentTimeMillis();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "chainplan-faults-traffic-" + model);
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::tick, 0, Math.min(periodMillis, 100), TimeUnit.MILLISECONDS);
    }

    /** @return the event time of the first arrival */
    long baseMillis() {
        return baseMillis;
    }

    /** Sends what is due: arrivals up to now, and the fleet's telemetry once a second. */
    private void tick() {
        long now = System.currentTimeMillis();
        if (now >= nextTelemetry) {
            for (String s : servers) {
                producer.send(new ProducerRecord<>(topics.telemetry(), bytes(s), telemetry.apply(Records.telemetry(s, model, now))));
            }
            nextTelemetry = now + TELEMETRY_MILLIS;
        }
        while (baseMillis + next * periodMillis <= now) {
            long at = baseMillis + next * periodMillis;
            RequestEvent e = Records.arrival(model, model + "-" + next, at);
            Integer fresh = freshSchemaId.get();
            byte[] value = fresh == null ? requests.apply(e) : FreshSchemaIds.encode(fresh, e);
            sent.incrementAndGet();
            sentTimes.add(at);
            producer.send(new ProducerRecord<>(topics.requests(), bytes(model), value), (m, error) -> {
                if (error == null) {
                    acked.add(at);
                }
                completed.incrementAndGet();
                completedThrough.accumulateAndGet(at, Math::max);
            });
            next++;
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * From now on the arrivals are written under this schema id (a variant nobody has fetched yet), or again
     * with the normal serializer.
     *
     * @param id a schema id of {@link FreshSchemaIds}, or null
     */
    void useSchemaId(Integer id) {
        freshSchemaId.set(id);
    }

    /** @return the model */
    String model() {
        return model;
    }

    /** @return arrivals sent */
    long sent() {
        return sent.get();
    }

    /**
     * @param fromMillis event time, inclusive
     * @param toMillis   event time, exclusive
     * @return arrivals sent with event times in {@code [from, to)}
     */
    long sentIn(long fromMillis, long toMillis) {
        return sentTimes.stream().filter(t -> t >= fromMillis && t < toMillis).count();
    }

    /**
     * @param fromMillis event time, inclusive
     * @param toMillis   event time, exclusive
     * @return arrivals the schedule dates in {@code [from, to)}, whether or not sent yet
     */
    long scheduledIn(long fromMillis, long toMillis) {
        return Math.max(0, index(toMillis) - index(Math.max(fromMillis, baseMillis)));
    }

    /** @return the first arrival index dated at or after {@code millis} */
    private long index(long millis) {
        return Math.max(0, Math.floorDiv(millis - baseMillis + periodMillis - 1, periodMillis));
    }

    /** @return the event times of the acknowledged arrivals */
    List<Long> acked() {
        return List.copyOf(acked);
    }

    /**
     * @return the event time up to which every arrival sent has been acknowledged or has failed (arrivals of one
     *         model share a partition, whose answers come in order)
     */
    long completedThroughMillis() {
        return completed.get() == sent.get() ? Long.MAX_VALUE : completedThrough.get();
    }

    /**
     * Stops sending and waits until every arrival sent is answered.
     *
     * @param timeout longest wait
     * @return whether all were answered
     */
    boolean stop(Duration timeout) {
        timer.shutdown();
        try {
            timer.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.flush();
        return Waits.until(timeout, () -> completed.get() >= sent.get());
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
