package io.chainplan.router.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainplan.local.EmbeddedKafkaBroker;
import io.chainplan.optimizer.model.Hop;
import io.chainplan.router.client.DispatchClient;
import io.chainplan.router.client.DispatchException;
import io.chainplan.router.client.ErrorBody;
import io.chainplan.router.client.RemoteLease;
import io.chainplan.schemas.avro.DispatchLease;
import io.chainplan.schemas.serde.AvroSerializer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An owner that lost its partitions without noticing (its group consumer stalls, so it is dropped from
 * the group, while its HTTP API, lease writer and lease reader keep running: a "zombie") cannot grant or
 * release: the new owner's fence record in the partition comes before any change the zombie writes
 * later, so the zombie refuses it ({@code 503 unavailable}) and, once its reader met the fence, stops
 * serving the model ({@code 421 not-owner}), while the new owner serves the model with the zombie's
 * leases counted; the same holds after a second takeover. A transaction an earlier version's writer left
 * open is aborted at once on takeover, not after its timeout, and never counts.
 */
class DispatchFencingIT {
    private static EmbeddedKafkaBroker broker;
    private DispatchHarness h;
    private final CountDownLatch unblock = new CountDownLatch(1);
    private volatile boolean stall;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = DispatchHarness.broker("dispatch-fencing-it");
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        h = new DispatchHarness(broker, 1);
    }

    @AfterEach
    void tearDown() {
        unblock.countDown();
        h.close();
    }

    private void beforePoll() {
        if (stall) {
            try {
                unblock.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void shouldFenceAnOwnerThatWasDroppedFromTheGroup() throws Exception {
        h.plan(DispatchHarness.MODEL, 1, 3);
        // a consumer that does not poll for 4 s is dropped from the group (its heartbeats stop)
        DispatchService zombie = h.start("a", 0, Map.of(), InstantSource.system(), this::beforePoll,
                Map.of("max.poll.interval.ms", "4000"));
        DispatchHarness.awaitServing(zombie, DispatchHarness.MODEL, 1);
        DispatchClient viaZombie = DispatchClient.builder(List.of(zombie.uri())).retryFor(Duration.ZERO).build();
        RemoteLease held1 = viaZombie.acquire(DispatchHarness.MODEL, Duration.ZERO);
        RemoteLease held2 = viaZombie.acquire(DispatchHarness.MODEL, Duration.ZERO);
        DispatchService next = h.start("b", Map.of());
        DispatchClient viaNext = DispatchClient.builder(List.of(next.uri())).retryFor(Duration.ZERO).build();
        DispatchHarness.await("b joined and does not own the model", () -> {
            try {
                viaNext.acquire(DispatchHarness.MODEL, Duration.ZERO);
                return false;
            } catch (DispatchException e) {
                return e.error().equals(ErrorBody.NOT_OWNER);
            }
        });

        stall = true;
        DispatchHarness.awaitServing(next, DispatchHarness.MODEL, 1);
        assertThat(next.status(DispatchHarness.MODEL).liveLeases()).as("b rebuilt a's leases").isEqualTo(2);

        assertRefused(() -> viaZombie.acquire(DispatchHarness.MODEL, Duration.ZERO), "a's grant is fenced");
        assertRefused(() -> viaZombie.release(held1), "a's release is fenced too");
        DispatchHarness.await("a's reader met b's fence: a stopped serving though its group membership stalled",
                () -> refusal(() -> viaZombie.acquire(DispatchHarness.MODEL, Duration.ZERO)).equals(ErrorBody.NOT_OWNER));
        RemoteLease third = viaNext.acquire(DispatchHarness.MODEL, Duration.ZERO);
        assertRefused(() -> viaNext.acquire(DispatchHarness.MODEL, Duration.ZERO),
                ErrorBody.QUEUE_TIMEOUT, "b counts a's two leases: the chain is full");
        for (RemoteLease l : List.of(held1, held2, third)) {
            viaNext.release(l);
        }
        assertThat(next.status(DispatchHarness.MODEL).liveLeases()).isZero();
    }

    @Test
    void shouldKeepTheZombieFencedAndEveryAnsweredLeaseCountedAcrossTwoTakeovers() throws Exception {
        h.plan(DispatchHarness.MODEL, 1, 3);
        DispatchService zombie = h.start("a", 0, Map.of(), InstantSource.system(), this::beforePoll,
                Map.of("max.poll.interval.ms", "4000"));
        DispatchHarness.awaitServing(zombie, DispatchHarness.MODEL, 1);
        DispatchClient viaZombie = DispatchClient.builder(List.of(zombie.uri())).retryFor(Duration.ZERO).build();
        RemoteLease ofA = viaZombie.acquire(DispatchHarness.MODEL, Duration.ZERO);
        stall = true;
        DispatchService second = h.start("b", Map.of());
        DispatchHarness.awaitServing(second, DispatchHarness.MODEL, 1);
        DispatchClient viaSecond = DispatchClient.builder(List.of(second.uri())).retryFor(Duration.ZERO).build();
        RemoteLease ofB = viaSecond.acquire(DispatchHarness.MODEL, Duration.ZERO);

        second.kill();
        assertThat(second.awaitTermination(DispatchHarness.WAIT)).isTrue();
        DispatchService third = h.start("c", Map.of());
        DispatchHarness.awaitServing(third, DispatchHarness.MODEL, 1);
        assertThat(third.status(DispatchHarness.MODEL).liveLeases()).as("c rebuilt a's and b's leases").isEqualTo(2);
        assertRefused(() -> viaZombie.acquire(DispatchHarness.MODEL, Duration.ZERO), "a's grant is still fenced");
        DispatchClient viaThird = DispatchClient.builder(List.of(third.uri())).retryFor(Duration.ZERO).build();
        RemoteLease ofC = viaThird.acquire(DispatchHarness.MODEL, Duration.ZERO);
        assertRefused(() -> viaThird.acquire(DispatchHarness.MODEL, Duration.ZERO),
                ErrorBody.QUEUE_TIMEOUT, "c counts a's and b's leases: the chain is full");
        for (RemoteLease l : List.of(ofA, ofB, ofC)) {
            viaThird.release(l);
        }
        assertThat(third.status(DispatchHarness.MODEL).liveLeases()).isZero();
    }

    @Test
    void shouldAbortAnEarlierVersionsOpenTransactionAtOnceAndFenceItsWriter() throws Exception {
        h.plan(DispatchHarness.MODEL, 1, 1);
        // a crashed owner of an earlier version (transactional writers) left a transaction open on the partition's
        // transactional id: a grant of the only
        // slot, recorded but never committed (so never answered); it would time out only after 15 minutes
        String txnId = LeaseSession.legacyTransactionalId("dispatch-" + h.topics.prefix(), 0);
        long now = System.currentTimeMillis();
        LeaseEntry ghost = new LeaseEntry("ghost-grant", DispatchHarness.MODEL, 1, 0, List.of(new Hop("s1-0", 0, 32)),
                now, now + Duration.ofHours(1).toMillis(), null);
        try (KafkaProducer<byte[], byte[]> crashed = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, txnId,
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) Duration.ofMinutes(15).toMillis()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            crashed.initTransactions();
            crashed.beginTransaction();
            AvroSerializer<DispatchLease> ser = new AvroSerializer<>(h.registry, false);
            crashed.send(new ProducerRecord<>(h.topics.leases(), 0, ghost.leaseId().getBytes(StandardCharsets.UTF_8),
                    ser.serialize(h.topics.leases(), LeaseRecords.toAvro(ghost, "crashed")))).get();

            DispatchService next = h.start("b", Map.of());
            DispatchHarness.awaitServing(next, DispatchHarness.MODEL, 1);
            assertThat(next.status(DispatchHarness.MODEL).liveLeases()).as("the aborted grant never counts").isZero();
            DispatchClient viaNext = DispatchClient.builder(List.of(next.uri())).retryFor(Duration.ZERO).build();
            RemoteLease only = viaNext.acquire(DispatchHarness.MODEL, Duration.ZERO);
            assertThatThrownBy(crashed::commitTransaction).as("the previous writer is fenced")
                    .isInstanceOfAny(ProducerFencedException.class, InvalidProducerEpochException.class);
            viaNext.release(only);
        }
    }

    /** The call fails with a DispatchException of this error code. */
    private static void assertRefused(ThrowingCallable call, String error, String why) {
        assertThatThrownBy(call).as(why).isInstanceOfSatisfying(DispatchException.class,
                e -> assertThat(e.error()).isEqualTo(error));
    }

    /**
     * A fenced owner's change is refused: {@code 503 unavailable} if it was written after the new owner's
     * fence, {@code 421 not-owner} once the owner's reader met that fence.
     */
    private static void assertRefused(ThrowingCallable call, String why) {
        assertThatThrownBy(call).as(why).isInstanceOfSatisfying(DispatchException.class,
                e -> assertThat(e.error()).isIn(ErrorBody.UNAVAILABLE, ErrorBody.NOT_OWNER));
    }

    /** @return the error code the call fails with, or "" if it succeeds */
    private static String refusal(ThrowingCallable call) {
        try {
            call.call();
            return "";
        } catch (DispatchException e) {
            return e.error();
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }
}
