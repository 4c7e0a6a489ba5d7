package io.chainplan.optimizer.fleets;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Round-trip times from the RIPE Atlas EU file ({@code ../shared/data/ripe-atlas-eu-rtt.csv}, see
 * its README): column {@code latency_m1}, milliseconds, converted to seconds.
 */
public final class RttSamples {
    private RttSamples() {
    }

    /**
     * @param csv the CSV file; a missing file gives an empty list (callers fall back to uniform RTTs)
     * @return RTTs in seconds in file order; rows with an empty or non-numeric value are skipped
     * @throws IOException if the file exists but cannot be read
     * @throws IllegalArgumentException if the header has no {@code latency_m1} column
     */
    public static List<Double> load(Path csv) throws IOException {
        if (!Files.isRegularFile(csv)) {
            return List.of();
        }
        try (BufferedReader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            int col = header == null ? -1 : Arrays.asList(header.trim().split(",")).indexOf("latency_m1");
            if (col < 0) {
                throw new IllegalArgumentException("RTT file " + csv + " has no latency_m1 column");
            }
            List<Double> out = new ArrayList<>();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] f = line.split(",", -1);
                if (f.length > col) {
                    try {
                        double ms = Double.parseDouble(f[col].trim());
                        if (ms >= 0 && Double.isFinite(ms)) {
                            out.add(ms / 1000.0);
                        }
                    } catch (NumberFormatException e) {
                        // skipped: empty or non-numeric measurement
                    }
                }
            }
            return out;
        }
    }
}
