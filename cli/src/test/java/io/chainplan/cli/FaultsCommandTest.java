package io.chainplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FaultsCommandTest extends CommandTestSupport {
    @Test
    void shouldRefuseAnUnknownKindWithOneLineNamingTheKnownOnes() {
        assertThat(run("faults", "--kinds", "poison,brokers")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("chainplan faults: --kinds: unknown fault kind \"brokers\" (known: poison, timestamps,"
                + " wrong-password, registry-outage, broker-restart, optimizer-kill)" + System.lineSeparator());
    }

    @Test
    void shouldRefuseBadValuesBeforeStartingAnything() {
        assertThat(run("faults", "--format", "xml")).isEqualTo(2);
        assertThat(err.toString()).contains("--format must be table or json, was 'xml'");
        assertThat(run("faults", "--kills", "0")).isEqualTo(2);
        assertThat(run("faults", "--outage", "0s")).isEqualTo(2);
        assertThat(run("faults", "--port", "70000")).isEqualTo(2);
        assertThat(run("faults", "--schema-registry-url", "http://localhost:1")).isEqualTo(2);
        assertThat(err.toString()).contains("--schema-registry-url needs --bootstrap-servers");
    }
}
