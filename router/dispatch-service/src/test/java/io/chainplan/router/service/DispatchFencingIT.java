package io.chainplan.router.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainplan.local.EmbeddedKafkaBroker;
import io.chainplan.router.client.DispatchClient;
import io.chainplan.router.client.DispatchException;
import io.chainplan.router.client.ErrorBody;
import io.chainplan.router.client.RemoteLease;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An owner that lost its partitions without noticing (its consumer thread stalls, so it is dropped
 * from the group, while its HTTP API and lease writer keep running: a "zombie") cannot grant or
 * release: its lease transactions carry a stale group generation and abort (KIP-447), so it answers
 * {@code 503 unavailable}, while the new owner serves the model with the zombie's leases counted.
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
        assertThat(zombie.status(DispatchHarness.MODEL).chains().get(0).inService())
                .as("a still believes it serves the model, with a free slot").isEqualTo(2);

        assertThatThrownBy(() -> viaZombie.acquire(DispatchHarness.MODEL, Duration.ZERO))
                .as("a's grant is fenced").isInstanceOfSatisfying(DispatchException.class,
                        e -> assertThat(e.error()).isEqualTo(ErrorBody.UNAVAILABLE));
        assertThatThrownBy(() -> viaZombie.release(held1))
                .as("a's release is fenced too").isInstanceOfSatisfying(DispatchException.class,
                        e -> assertThat(e.error()).isEqualTo(ErrorBody.UNAVAILABLE));
        RemoteLease third = viaNext.acquire(DispatchHarness.MODEL, Duration.ZERO);
        assertThatThrownBy(() -> viaNext.acquire(DispatchHarness.MODEL, Duration.ZERO))
                .as("b counts a's two leases: the chain is full").isInstanceOfSatisfying(DispatchException.class,
                        e -> assertThat(e.error()).isEqualTo(ErrorBody.QUEUE_TIMEOUT));
        for (RemoteLease l : List.of(held1, held2, third)) {
            viaNext.release(l);
        }
        assertThat(next.status(DispatchHarness.MODEL).liveLeases()).isZero();
    }
}
