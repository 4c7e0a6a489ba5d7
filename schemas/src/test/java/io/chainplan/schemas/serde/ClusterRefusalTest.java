package io.chainplan.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

class ClusterRefusalTest {
    @Test
    void shouldFindAWrongPasswordBehindWrappersAndSayWhatToCheck() {
        SaslAuthenticationException sasl = new SaslAuthenticationException("Authentication failed: Invalid username or password");
        Exception wrapped = new ExecutionException(new KafkaException("Exception caught during initialization", sasl));

        ClusterRefusal r = ClusterRefusal.in(wrapped).orElseThrow();

        assertThat(r.cause()).isSameAs(sasl);
        assertThat(r.message()).isEqualTo("the Kafka cluster refused the credentials (SaslAuthenticationException:"
                + " Authentication failed: Invalid username or password); check security.protocol, sasl.mechanism and"
                + " sasl.jaas.config (user and password); not retrying");
        assertThat(r.failure()).isInstanceOf(IllegalStateException.class).hasMessage(r.message()).hasCause(sasl);
    }

    @Test
    void shouldTellAMissingAclFromAWrongPassword() {
        ClusterRefusal r = ClusterRefusal.in(new TopicAuthorizationException(Set.of("chainplan.plans"))).orElseThrow();

        assertThat(r.message()).startsWith("the Kafka cluster refused access (TopicAuthorizationException:")
                .contains("chainplan.plans", "check the ACLs");
    }

    @Test
    void shouldNotTakeAnOutageForARefusal() {
        assertThat(ClusterRefusal.in(new KafkaException("wrapped", new TimeoutException("broker not available")))).isEmpty();
        assertThat(ClusterRefusal.in(null)).isEmpty();
    }
}
