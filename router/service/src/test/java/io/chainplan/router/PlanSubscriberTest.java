package io.chainplan.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PlanSubscriberTest {
    @Test
    void shouldGiveTheDeadLetterProducerEveryClientPropertyIncludingSecurity() {
        Map<String, Object> client = Map.of("bootstrap.servers", "kafka:9093", "security.protocol", "SASL_SSL",
                "sasl.mechanism", "PLAIN", "sasl.jaas.config", "PlainLoginModule required username=\"u\";",
                "ssl.truststore.location", "/etc/kafka/truststore.jks", "client.dns.lookup", "use_all_dns_ips");

        Map<String, Object> p = PlanSubscriber.producerProps(client);

        assertThat(p).containsAllEntriesOf(client).containsEntry("acks", "all");
    }
}
