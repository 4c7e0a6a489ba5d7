package io.chainplan.cli.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainplan.optimizer.TestFleets;
import io.chainplan.optimizer.model.Fleet;
import org.junit.jupiter.api.Test;

class FleetFilesTest {
    private static final String GOOD = """
            {"model": {"id": "bloom-176b", "blocks": 70, "blockBytes": 1320000000,
                       "cacheBytesPerBlockPerJob": 110000000, "comment": "ignored"},
             "servers": [
               {"id": "s001", "memoryBytes": 40000000000, "commSeconds": 1.31, "perBlockComputeSeconds": 0.109,
                "rack": "ignored"},
               {"id": "s002", "memoryBytes": 2.0E10, "commSeconds": 0.9, "perBlockComputeSeconds": 0.175}
             ],
             "arrivalRate": 0.2, "unknown": [1, 2]}
            """;

    private static String replace(String from, String to) {
        String out = GOOD.replace(from, to);
        assertThat(out).isNotEqualTo(GOOD);
        return out;
    }

    @Test
    void shouldReadTheDesignExampleIgnoringUnknownFieldsAndDefaultingTargetLoad() {
        Fleet fleet = FleetFiles.parse(GOOD, "fleet.json");

        assertThat(fleet.model().blocks()).isEqualTo(70);
        assertThat(fleet.servers()).hasSize(2);
        assertThat(fleet.servers().get(1).memoryBytes()).isEqualTo(20_000_000_000L);
        assertThat(fleet.targetLoad()).isEqualTo(0.7);
    }

    @Test
    void shouldRoundTripThroughJson() {
        Fleet fleet = TestFleets.paperExample();

        assertThat(FleetFiles.parse(FleetFiles.toJson(fleet), "x")).isEqualTo(fleet);
    }

    @Test
    void shouldNameFieldAndServerWhenAFieldIsMissing() {
        assertThatThrownBy(() -> FleetFiles.parse(replace("\"commSeconds\": 0.9, ", ""), "f.json"))
                .isInstanceOf(FleetFileException.class)
                .hasMessage("f.json: server s002: commSeconds is missing");
    }

    @Test
    void shouldRejectNegativeMemory() {
        assertThatThrownBy(() -> FleetFiles.parse(replace("40000000000", "-4"), "f.json"))
                .hasMessage("f.json: server s001: memoryBytes must be >= 0, was -4")
                .satisfies(e -> assertThat(((FleetFileException) e).server()).contains("s001"));
    }

    @Test
    void shouldRejectDuplicateServerIds() {
        assertThatThrownBy(() -> FleetFiles.parse(replace("\"s002\"", "\"s001\""), "f.json"))
                .hasMessageContaining("server s001: id is a duplicate");
    }

    @Test
    void shouldRejectZeroBlocks() {
        assertThatThrownBy(() -> FleetFiles.parse(replace("\"blocks\": 70", "\"blocks\": 0"), "f.json"))
                .hasMessage("f.json: model.blocks must be >= 1, was 0");
    }

    @Test
    void shouldRejectNonNumericValues() {
        assertThatThrownBy(() -> FleetFiles.parse(replace("\"perBlockComputeSeconds\": 0.175", "\"perBlockComputeSeconds\": \"fast\""), "f.json"))
                .hasMessage("f.json: server s002: perBlockComputeSeconds must be a number, was \"fast\"");
        assertThatThrownBy(() -> FleetFiles.parse(replace("\"arrivalRate\": 0.2", "\"arrivalRate\": \"0.2\""), "f.json"))
                .hasMessage("f.json: arrivalRate must be a number, was \"0.2\"");
        assertThatThrownBy(() -> FleetFiles.parse(replace("\"blocks\": 70", "\"blocks\": 70.5"), "f.json"))
                .hasMessage("f.json: model.blocks must be a whole number, was 70.5");
    }

    @Test
    void shouldRejectAnEmptyServerList() {
        String empty = GOOD.substring(0, GOOD.indexOf('[')) + "[], \"arrivalRate\": 0.2}";

        assertThatThrownBy(() -> FleetFiles.parse(empty, "f.json"))
                .hasMessage("f.json: servers must list at least one server, was empty");
    }

    @Test
    void shouldNameThePositionWhenAServerHasNoId() {
        assertThatThrownBy(() -> FleetFiles.parse(replace("\"id\": \"s002\", ", ""), "f.json"))
                .hasMessage("f.json: server servers[1]: id is missing");
    }

    @Test
    void shouldRejectBadTargetLoadAndBrokenJson() {
        assertThatThrownBy(() -> FleetFiles.parse(replace("\"arrivalRate\": 0.2", "\"arrivalRate\": 0.2, \"targetLoad\": 1.5"), "f.json"))
                .hasMessage("f.json: targetLoad must be < 1, was 1.5");
        assertThatThrownBy(() -> FleetFiles.parse("{\"model\": ", "f.json"))
                .isInstanceOf(FleetFileException.class).hasMessageStartingWith("f.json: not valid JSON");
        assertThatThrownBy(() -> FleetFiles.parse(replace("\"arrivalRate\": 0.2", "\"arrivalRate\": 0.2, \"arrivalRate\": 0.3"), "f.json"))
                .hasMessageContaining("Duplicate field 'arrivalRate'");
    }

    @Test
    void shouldRefuseADirectoryNamingIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        assertThatThrownBy(() -> FleetFiles.read(dir))
                .isInstanceOf(FleetFileException.class)
                .hasMessage(dir + ": is a directory, not a fleet file (docs/file-formats.md)");
    }
}
