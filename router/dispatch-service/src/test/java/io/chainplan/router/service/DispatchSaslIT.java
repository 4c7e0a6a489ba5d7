package io.chainplan.router.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.local.EmbeddedKafkaBroker;
import io.chainplan.router.client.DispatchClient;
import io.chainplan.router.client.RemoteLease;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dispatch service on a SASL_PLAINTEXT listener of the in-process broker (mechanism PLAIN): with the
 * right credentials it follows plans and grants and releases leases (recorded through its transactional
 * producers); with a wrong password it stops at once with one clear reason and no session restarts
 * (issue 13).
 */
class DispatchSaslIT {
    private static final String USER = "dispatch";
    private static EmbeddedKafkaBroker broker;
    private DispatchHarness h;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = DispatchHarness.saslBroker("dispatch-sasl-it", Map.of(USER, "right"));
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
        h.close();
    }

    private DispatchService start(String password) {
        return h.start("a", 0, Map.of(), InstantSource.system(), () -> { }, broker.saslPlainClient(USER, password));
    }

    @Test
    void shouldGrantAndReleaseALeaseWithTheRightCredentials() throws Exception {
        h.modelSpec(DispatchHarness.MODEL);
        h.plan(DispatchHarness.MODEL, 1, 1);
        DispatchService d = start("right");
        DispatchHarness.awaitServing(d, DispatchHarness.MODEL, 1);
        DispatchClient c = DispatchHarness.client(List.of(d.uri()));

        RemoteLease lease = c.acquire(DispatchHarness.MODEL, Duration.ZERO);
        assertThat(lease.planEpoch()).isEqualTo(1);
        assertThat(d.status(DispatchHarness.MODEL).liveLeases()).isEqualTo(1);
        c.release(lease);

        assertThat(d.status(DispatchHarness.MODEL).liveLeases()).isZero();
        assertThat(d.failure()).isEmpty();
        assertThat(d.metrics().sessionRestarts()).isZero();
    }

    @Test
    void shouldStopWithAClearReasonAndNoRestartsOnAWrongPassword() throws Exception {
        h.plan(DispatchHarness.MODEL, 1, 1);
        DispatchService d = start("wrong");

        assertThat(d.awaitTermination(DispatchHarness.WAIT)).as("stopped").isTrue();
        assertThat(d.failure().orElseThrow()).hasMessageStartingWith("the Kafka cluster refused the credentials")
                .hasMessageContaining("sasl.jaas.config");
        assertThat(d.metrics().sessionRestarts()).isZero();
    }
}
