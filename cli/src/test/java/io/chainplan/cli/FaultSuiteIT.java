package io.chainplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's fault-injection suite, end to end: {@code chainplan faults} on the stack it starts itself (the
 * in-process broker with a SASL listener, the embedded registry, telemetry-ingest, and {@code chainplan optimizer}
 * as a child process of this JVM's class path), every kind once, with short outages and two kills. Each kind
 * must have been injected (dead letters for the poison and the invalid timestamps, a refused process for the
 * wrong password, records written during the registry and broker outages, the kills and their epoch audit) and
 * must have lost and duplicated nothing, and the control model must never have been without a plan. Waits are
 * the suite's own conditions (each expected output within {@code --settle}); nothing depends on the machine's
 * speed.
 */
class FaultSuiteIT extends CommandTestSupport {
    @TempDir
    Path dir;

    @Test
    void shouldLoseAndDuplicateNothingUnderEveryFault() throws Exception {
        int code = run("faults", "--kills", "2", "--outage", "3s", "--format", "json", "--data-dir", dir.toString());
        System.out.println(out);
        JsonNode report = new ObjectMapper().readTree(out.toString());
        Map<String, JsonNode> byKind = new HashMap<>();
        report.get("faults").forEach(f -> byKind.put(f.get("kind").asText(), f));
        assertThat(byKind).containsOnlyKeys("poison", "timestamps", "wrong-password", "registry-outage", "broker-restart",
                "optimizer-kill");
        byKind.forEach((kind, f) -> {
            assertThat(f.has("skipped")).as(kind + " ran").isFalse();
            assertThat(f.get("problems")).as(kind + " problems").isEmpty();
            assertThat(f.get("lost").asLong()).as(kind + " lost").isZero();
            assertThat(f.get("duplicated").asLong()).as(kind + " duplicated").isZero();
            assertThat(f.get("planGapSeconds").asDouble()).as(kind + ": time without a plan for the control model").isZero();
            assertThat(f.get("acknowledged").asLong()).as(kind + ": its model's traffic").isPositive();
            assertThat(f.get("counted").asLong()).as(kind + ": counted").isPositive();
        });
        JsonNode poison = byKind.get("poison");
        assertThat(poison.get("deadLettered").asLong()).as("every poison record dead-lettered").isEqualTo(16)
                .isEqualTo(poison.get("injected").asLong());
        assertThat(byKind.get("timestamps").get("deadLettered").asLong()).as("the events beyond the skew").isEqualTo(3);
        assertThat(byKind.get("wrong-password").get("notes").toString()).contains("wrong password: exit 1 after")
                .contains("refused the credentials");
        assertThat(byKind.get("registry-outage").get("notes").toString()).containsPattern("[1-9][0-9]* arrivals written under schema id");
        assertThat(byKind.get("broker-restart").get("notes").toString()).containsPattern("; [1-9][0-9]* arrivals dated while it was down");
        JsonNode kill = byKind.get("optimizer-kill");
        assertThat(kill.get("injected").asLong()).as("kills").isEqualTo(2);
        assertThat(kill.get("notes").toString()).contains("epochs 1..4, 0 missing, 0 repeated; 4 of 4 demand steps planned")
                .contains("replay identical 4 of 4");
        assertThat(report.get("passed").asBoolean()).isTrue();
        assertThat(code).as(err.toString()).isZero();
    }
}
