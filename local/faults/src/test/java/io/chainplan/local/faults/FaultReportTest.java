package io.chainplan.local.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FaultReportTest {
    private static FaultRow row(FaultKind kind, long lost, List<String> problems) {
        return new FaultRow(kind, 16, "poison records", 40, 40, 24, 16, lost, 0, Optional.of(Duration.ZERO),
                Optional.of(Duration.ofMillis(1_500)), List.of("a note"), problems, Optional.empty());
    }

    @Test
    void shouldPassOnlyWithoutLossDuplicatesOrProblems() {
        assertThat(new FaultReport("t", List.of(row(FaultKind.POISON, 0, List.of()),
                FaultRow.skipped(FaultKind.BROKER_RESTART, "needs the stack")), Duration.ofSeconds(3)).passed()).isTrue();
        assertThat(new FaultReport("t", List.of(row(FaultKind.POISON, 1, List.of())), Duration.ZERO).passed()).isFalse();
        assertThat(new FaultReport("t", List.of(row(FaultKind.POISON, 0, List.of("no kill"))), Duration.ZERO).passed()).isFalse();
    }

    @Test
    void shouldPrintOneLinePerKindAndTheSameFiguresAsJson() throws Exception {
        FaultReport report = new FaultReport("the in-process stack", List.of(row(FaultKind.POISON, 0, List.of()),
                FaultRow.skipped(FaultKind.BROKER_RESTART, "needs the stack")), Duration.ofSeconds(3));
        assertThat(report.table()).contains("  poison                 16       40       40       24       16      0      0     0.0 s     1.5 s")
                .contains("broker-restart   skipped: needs the stack").contains("result: nothing lost, nothing duplicated");
        JsonNode json = new ObjectMapper().readTree(report.json());
        assertThat(json.get("passed").asBoolean()).isTrue();
        JsonNode poison = json.get("faults").get(0);
        assertThat(poison.get("kind").asText()).isEqualTo("poison");
        assertThat(poison.get("deadLettered").asLong()).isEqualTo(16);
        assertThat(poison.get("recoverySeconds").asDouble()).isEqualTo(1.5);
        assertThat(json.get("faults").get(1).get("skipped").asText()).isEqualTo("needs the stack");
    }

    @Test
    void shouldNameTheKnownKindsForAnUnknownOne() {
        assertThat(FaultKind.of("Broker-Restart")).isEqualTo(FaultKind.BROKER_RESTART);
        assertThatThrownBy(() -> FaultKind.of("brokers")).hasMessage("unknown fault kind \"brokers\" (known: poison, timestamps,"
                + " wrong-password, registry-outage, broker-restart, optimizer-kill)");
    }
}
