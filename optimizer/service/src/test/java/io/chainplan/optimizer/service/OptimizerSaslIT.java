package io.chainplan.optimizer.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.local.EmbeddedKafkaBroker;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.PlanStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The optimizer on a SASL_PLAINTEXT listener of the in-process broker (mechanism PLAIN): it plans
 * with the right credentials, and with a wrong password it stops at once with one clear reason
 * instead of restarting its session in a loop (issue 13 item 9).
 */
class OptimizerSaslIT {
    private static final String USER = "optimizer";
    private static EmbeddedKafkaBroker broker;
    private OptimizerHarness h;
    private OptimizerService service;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.startWithSaslPlain(OptimizerHarness.tmp("optimizer-sasl-it"), Map.of(USER, "right"));
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        h = new OptimizerHarness(broker, 1);
        h.model();
        h.fleet();
        h.demand(0.2, 0.01);
    }

    @AfterEach
    void tearDown() {
        if (service != null) {
            service.close();
        }
        h.close();
    }

    private static Map<String, String> sasl(String password) {
        return broker.saslPlainClient(USER, password);
    }

    @Test
    void shouldPlanWithTheRightCredentials() {
        service = h.service("a", Map.of(), sasl("right"), CrashHook.NONE,
                new OptimizerMetrics(new SimpleMeterRegistry()));

        ChainPlan p = h.awaitPlans(1).get(0);
        assertThat(p.getStatus()).isEqualTo(PlanStatus.OK);
    }

    @Test
    void shouldStopWithAClearReasonAndNoRestartsOnAWrongPassword() throws Exception {
        OptimizerMetrics metrics = new OptimizerMetrics(new SimpleMeterRegistry());
        service = h.service("a", Map.of(), sasl("wrong"), CrashHook.NONE, metrics);

        assertThat(service.awaitTermination(Duration.ofMinutes(2))).as("stopped").isTrue();
        assertThat(service.failure()).hasMessageStartingWith("the Kafka cluster refused the credentials")
                .hasMessageContaining("sasl.jaas.config");
        assertThat(metrics.sessionRestarts()).isZero();
        assertThat(h.plans()).isEmpty();
    }
}
