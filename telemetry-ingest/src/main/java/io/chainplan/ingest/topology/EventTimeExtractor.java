package io.chainplan.ingest.topology;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time from the record's own field (STYLE.md §5): the {@code timestampMillis} of a
 * {@link Decoded} value (read by the {@link DecodingSerde}).
 * <p>Guards stream time against bad records, which are extracted before they are validated and
 * dead-lettered: a record that did not decode, or whose event time is negative or more than
 * {@code maxFutureSkewMillis} after the record's own timestamp (its producer's clock), gets the
 * partition's current stream time, so it moves stream time neither forward (a replay of old
 * events with a poison record produced now would otherwise close every open bucket) nor back;
 * only the first record of a partition falls back to the record timestamp.
 */
public final class EventTimeExtractor implements TimestampExtractor {
    private final long maxFutureSkewMillis;

    /**
     * @param maxFutureSkewMillis how far an event time may lie after the record timestamp, {@code >= 0}
     */
    public EventTimeExtractor(long maxFutureSkewMillis) {
        if (maxFutureSkewMillis < 0) {
            throw new IllegalArgumentException("maxFutureSkewMillis must be >= 0, was " + maxFutureSkewMillis);
        }
        this.maxFutureSkewMillis = maxFutureSkewMillis;
    }

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        long fallback = partitionTime >= 0 ? partitionTime : Math.max(0, record.timestamp());
        if (record.value() instanceof Decoded<?> d && d.ok() && d.eventMillis() >= 0) {
            boolean plausible = record.timestamp() < 0 || d.eventMillis() - record.timestamp() <= maxFutureSkewMillis;
            return plausible ? d.eventMillis() : fallback;
        }
        return fallback;
    }
}
