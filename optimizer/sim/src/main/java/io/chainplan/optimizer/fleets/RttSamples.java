package io.chainplan.optimizer.fleets;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Round-trip times from the RIPE Atlas EU file ({@code ../shared/data/ripe-atlas-eu-rtt.csv}, see
 * its README): column {@code latency_m1}, milliseconds, converted to seconds, parsed by Apache
 * Commons CSV. The one reader of this file, behind every {@code --rtt-csv} option.
 */
public final class RttSamples {
    /** The column read. */
    public static final String COLUMN = "latency_m1";

    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true)
            .setTrim(true).get();

    private RttSamples() {
    }

    /**
     * @param csv the CSV file; a missing file gives an empty list (callers fall back to uniform RTTs)
     * @return RTTs in seconds in file order; rows whose value is empty (no answer) are skipped
     * @throws IOException              if the file exists but cannot be read
     * @throws IllegalArgumentException naming the file, line and field: no {@code latency_m1} column,
     *                                  a value that is not a finite number {@code >= 0}, or no RTT at all
     */
    public static List<Double> load(Path csv) throws IOException {
        if (!Files.isRegularFile(csv)) {
            return List.of();
        }
        try (Reader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8); CSVParser rows = FORMAT.parse(in)) {
            if (!rows.getHeaderMap().containsKey(COLUMN)) {
                throw new IllegalArgumentException("RTT file " + csv + " has no " + COLUMN + " column (header: "
                        + String.join(",", rows.getHeaderNames()) + ")");
            }
            List<Double> out = new ArrayList<>();
            for (CSVRecord row : rows) {
                String text = row.isSet(COLUMN) ? row.get(COLUMN) : "";
                if (!text.isEmpty()) {
                    out.add(millis(text, csv, rows.getCurrentLineNumber()) / 1000.0);
                }
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException("RTT file " + csv + " has no " + COLUMN + " values");
            }
            return out;
        } catch (UncheckedIOException e) {
            throw new IllegalArgumentException("RTT file " + csv + ": not valid CSV: " + e.getMessage(), e);
        }
    }

    private static double millis(String text, Path csv, long line) {
        double ms;
        try {
            ms = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            ms = Double.NaN;
        }
        if (!(ms >= 0) || Double.isInfinite(ms)) {
            throw new IllegalArgumentException(csv + " line " + line + ": " + COLUMN
                    + " must be a finite number of milliseconds >= 0, was \"" + text + "\"");
        }
        return ms;
    }
}
