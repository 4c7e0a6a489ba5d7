package io.chainplan.optimizer.fleets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RttSamplesTest {
    private static final double TOLERANCE = 1e-12;
    private static final String HEADER = "measure_id,anchor_id,dst_ip,init_time,latency_m1,latency_m2\n";
    private static final Path SHARED_RTT = Path.of(System.getProperty("chainplan.shared.data", "../shared/data"),
            "ripe-atlas-eu-rtt.csv");

    @TempDir
    Path dir;

    private Path file(String csv) throws IOException {
        return Files.writeString(dir.resolve("rtt.csv"), csv);
    }

    @Test
    void shouldReadLatencyM1InSecondsSkippingEmptyValues() throws IOException {
        List<Double> rtt = RttSamples.load(file(HEADER
                + "a_2024-07-19 23:06:22,3138,185.184.8.158,2024-07-19 23:06:22,9.517,18.586\n"
                + "b,1716,2.58.52.152,2024-07-19 23:09:48,,23.0442\n"
                + "c,1717,2.58.52.153,2024-07-19 23:09:49, 2.2634 ,1\n"));
        assertThat(rtt).hasSize(2);
        assertThat(rtt.get(0)).isCloseTo(0.009517, offset(TOLERANCE));
        assertThat(rtt.get(1)).isCloseTo(0.0022634, offset(TOLERANCE));
    }

    @Test
    void shouldGiveNothingForAMissingFile() throws IOException {
        assertThat(RttSamples.load(dir.resolve("absent.csv"))).isEmpty();
    }

    @Test
    void shouldNameTheFileLineAndFieldOfABadValue() throws IOException {
        Path bad = file(HEADER + "a,1,ip,t,9.5,1\nb,2,ip,t,fast,1\n");
        assertThatThrownBy(() -> RttSamples.load(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rtt.csv line 3: latency_m1 must be a finite number of milliseconds >= 0, was \"fast\"");
        Path negative = file(HEADER + "a,1,ip,t,-1,1\n");
        assertThatThrownBy(() -> RttSamples.load(negative)).hasMessageContaining("rtt.csv line 2: latency_m1");
    }

    @Test
    void shouldRejectAFileWithoutTheColumnOrWithoutValues() throws IOException {
        Path noColumn = file("measure_id,latency\na,1\n");
        assertThatThrownBy(() -> RttSamples.load(noColumn)).hasMessageContaining("has no latency_m1 column");
        Path noRows = file(HEADER);
        assertThatThrownBy(() -> RttSamples.load(noRows)).hasMessageContaining("has no latency_m1 values");
    }

    @Test
    void shouldReadTheSharedRipeAtlasFileWhenPresent() throws IOException {
        Assumptions.assumeTrue(Files.exists(SHARED_RTT), "../shared/data/ripe-atlas-eu-rtt.csv absent: skipping");
        List<Double> rtt = RttSamples.load(SHARED_RTT);
        assertThat(rtt).hasSize(3867);
        assertThat(rtt.get(0)).isCloseTo(0.009517, offset(TOLERANCE));
        assertThat(rtt.stream().sorted().toList().get(rtt.size() / 2)).isCloseTo(0.0129, offset(0.0005));
        assertThat(rtt).allSatisfy(r -> assertThat(r).isBetween(0.0015, 0.0426));
    }
}
