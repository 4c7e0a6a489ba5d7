package io.chainplan.local.loop;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Replays an Azure LLM inference trace ({@code TIMESTAMP,ContextTokens,GeneratedTokens}; both the 2023
 * format {@code 2023-11-16 18:17:03.9799600} and the 2024 format {@code 2024-05-10 00:00:00.009930+00:00},
 * see {@code ../shared/data/README.md}): arrival times are seconds since the first row. From
 * {@code shiftAtSeconds} on, the trace is replayed {@code shiftFactor} times as fast (so the
 * {@code shift} scenario doubles its rate).
 */
public final class TraceLoad implements LoadSource {
    private static final DateTimeFormatter LOCAL = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .toFormatter(Locale.ROOT);
    private static final DateTimeFormatter OFFSET = new DateTimeFormatterBuilder()
            .append(LOCAL).appendPattern("xxx").toFormatter(Locale.ROOT);
    private static final double RATE_WINDOW_SECONDS = 60;

    private final List<Arrival> arrivals;
    private final double[] times;
    private final String description;
    private int next;

    private TraceLoad(List<Arrival> arrivals, String description) {
        this.arrivals = List.copyOf(arrivals);
        this.times = arrivals.stream().mapToDouble(Arrival::timeSeconds).toArray();
        this.description = description;
    }

    /**
     * Reads the trace.
     *
     * @param path           the CSV file
     * @param shiftAtSeconds time from which the replay is sped up, or +infinity
     * @param shiftFactor    speed-up of the replay from then on, {@code > 0}
     * @param endSeconds     arrivals at or after this (transformed) time are dropped
     * @return the source
     * @throws IOException              if the file cannot be read
     * @throws IllegalArgumentException naming the line of a malformed row
     */
    public static TraceLoad read(Path path, double shiftAtSeconds, double shiftFactor, double endSeconds)
            throws IOException {
        return read(path, 0, shiftAtSeconds, shiftFactor, endSeconds);
    }

    /**
     * Reads the trace, its first row arriving at {@code startSeconds}.
     *
     * @param path           the CSV file
     * @param startSeconds   virtual time of the first row
     * @param shiftAtSeconds time from which the replay is sped up, or +infinity
     * @param shiftFactor    speed-up of the replay from then on, {@code > 0}
     * @param endSeconds     arrivals at or after this (transformed) time are dropped
     * @return the source
     * @throws IOException              if the file cannot be read
     * @throws IllegalArgumentException naming the line of a malformed row
     */
    public static TraceLoad read(Path path, double startSeconds, double shiftAtSeconds, double shiftFactor,
            double endSeconds) throws IOException {
        List<Arrival> out = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header == null || !header.toUpperCase(Locale.ROOT).startsWith("TIMESTAMP")) {
                throw new IllegalArgumentException(path + ": expected header TIMESTAMP,ContextTokens,GeneratedTokens, was "
                        + header);
            }
            double first = Double.NaN;
            int lineNo = 1;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split(",");
                if (f.length < 3) {
                    throw new IllegalArgumentException(path + " line " + lineNo + ": expected 3 fields, was " + line);
                }
                double epoch = parseSeconds(f[0].trim(), path, lineNo);
                first = Double.isNaN(first) ? epoch : first;
                double t = transform(startSeconds + epoch - first, shiftAtSeconds, shiftFactor);
                if (t >= endSeconds) {
                    break;
                }
                out.add(new Arrival(Math.max(0, t), Math.max(1, parseInt(f[1], path, lineNo)),
                        Math.max(1, parseInt(f[2], path, lineNo))));
            }
        }
        String desc = "Azure trace " + path.getFileName() + " (" + out.size() + " requests"
                + (Double.isFinite(shiftAtSeconds)
                        ? String.format(Locale.ROOT, ", replayed x%.1f faster from t=%.0f s)", shiftFactor, shiftAtSeconds)
                        : ")");
        return new TraceLoad(out, desc);
    }

    static double transform(double t, double shiftAt, double factor) {
        return t <= shiftAt ? t : shiftAt + (t - shiftAt) / factor;
    }

    static double parseSeconds(String s, Path path, int lineNo) {
        try {
            if (s.length() > 6 && (s.charAt(s.length() - 6) == '+' || s.charAt(s.length() - 6) == '-')) {
                OffsetDateTime odt = OffsetDateTime.parse(s, OFFSET);
                return odt.toEpochSecond() + odt.getNano() * 1e-9;
            }
            LocalDateTime ldt = LocalDateTime.parse(s, LOCAL);
            return ldt.toEpochSecond(java.time.ZoneOffset.UTC) + ldt.getNano() * 1e-9;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(path + " line " + lineNo + ": bad TIMESTAMP " + s, e);
        }
    }

    private static int parseInt(String s, Path path, int lineNo) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(path + " line " + lineNo + ": bad token count " + s, e);
        }
    }

    @Override
    public Optional<Arrival> next() {
        return next < arrivals.size() ? Optional.of(arrivals.get(next++)) : Optional.empty();
    }

    @Override
    public double trueRatePerSecond(double timeSeconds) {
        int hi = upper(timeSeconds);
        int lo = upper(timeSeconds - RATE_WINDOW_SECONDS);
        double span = Math.min(RATE_WINDOW_SECONDS, Math.max(timeSeconds, 1e-9));
        return (hi - lo) / span;
    }

    private int upper(double t) {
        int i = Arrays.binarySearch(times, t);
        if (i < 0) {
            return -i - 1;
        }
        while (i < times.length && times[i] <= t) {
            i++;
        }
        return i;
    }

    /**
     * @return the number of arrivals the replay holds
     */
    public int size() {
        return arrivals.size();
    }

    @Override
    public String describe() {
        return description;
    }
}
