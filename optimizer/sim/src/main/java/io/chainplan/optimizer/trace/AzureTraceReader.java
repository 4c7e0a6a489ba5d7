package io.chainplan.optimizer.trace;

import io.chainplan.optimizer.sim.RequestTrace;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * Reads an Azure LLM inference trace (Patel et al., Splitwise, ISCA 2024; see
 * {@code ../shared/data/README.md}): CSV with header {@code TIMESTAMP,ContextTokens,GeneratedTokens},
 * one time-ordered row per request. Both timestamp formats are accepted: the 2023 release's
 * {@code 2023-11-16 18:17:03.9799600} (7 fractional digits, no zone, read as UTC) and the 2024
 * release's {@code 2024-05-10 00:00:00.009930+00:00} (0-9 fractional digits, offset).
 * <p>Arrival offsets are relative to the first request; rows out of time order are an error.
 */
public final class AzureTraceReader {
    private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .toFormatter(Locale.ROOT);

    private AzureTraceReader() {
    }

    /**
     * Reads the first {@code limit} requests of a trace file.
     *
     * @param path  the CSV file
     * @param limit most requests to read, {@code >= 1}
     * @return the trace
     * @throws UncheckedIOException     if the file cannot be read
     * @throws IllegalArgumentException for a malformed row, naming the line
     */
    public static RequestTrace read(Path path, int limit) {
        Objects.requireNonNull(path, "path");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            return parse(in, limit, path.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read trace " + path + ": " + e.getMessage(), e);
        }
    }

    static RequestTrace parse(BufferedReader in, int limit, String source) throws IOException {
        String header = in.readLine();
        if (header == null || !header.strip().toLowerCase(Locale.ROOT).startsWith("timestamp,")) {
            throw new IllegalArgumentException(source + ": expected header TIMESTAMP,ContextTokens,GeneratedTokens, was "
                    + header);
        }
        double[] t = new double[Math.min(limit, 1 << 14)];
        int[] inTok = new int[t.length];
        int[] outTok = new int[t.length];
        int n = 0;
        long firstNanos = 0;
        String line;
        int lineNo = 1;
        while (n < limit && (line = in.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",");
            if (f.length < 3) {
                throw new IllegalArgumentException(source + " line " + lineNo + ": expected 3 fields, was: " + line);
            }
            long nanos = epochNanos(f[0].strip(), source, lineNo);
            if (n == 0) {
                firstNanos = nanos;
            }
            if (n == t.length) {
                t = Arrays.copyOf(t, n * 2);
                inTok = Arrays.copyOf(inTok, n * 2);
                outTok = Arrays.copyOf(outTok, n * 2);
            }
            t[n] = (nanos - firstNanos) / 1e9;
            if (n > 0 && t[n] < t[n - 1]) {
                throw new IllegalArgumentException(source + " line " + lineNo + ": timestamp " + f[0] + " is earlier"
                        + " than the previous row's");
            }
            inTok[n] = tokens(f[1], "ContextTokens", source, lineNo);
            outTok[n] = tokens(f[2], "GeneratedTokens", source, lineNo);
            n++;
        }
        return new RequestTrace(Arrays.copyOf(t, n), Arrays.copyOf(inTok, n), Arrays.copyOf(outTok, n));
    }

    /**
     * Parses one timestamp in either Azure format.
     *
     * @param text the timestamp
     * @return nanoseconds since the epoch (UTC if the text has no offset)
     */
    static long epochNanos(String text, String source, int lineNo) {
        try {
            TemporalAccessor p = TIMESTAMP.parse(text);
            ZoneOffset offset = p.isSupported(ChronoField.OFFSET_SECONDS)
                    ? ZoneOffset.ofTotalSeconds(p.get(ChronoField.OFFSET_SECONDS)) : ZoneOffset.UTC;
            OffsetDateTime odt = LocalDateTime.from(p).atOffset(offset);
            return odt.toEpochSecond() * 1_000_000_000L + odt.getNano();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(source + " line " + lineNo + ": bad TIMESTAMP " + text, e);
        }
    }

    private static int tokens(String text, String field, String source, int lineNo) {
        try {
            int v = Integer.parseInt(text.strip());
            if (v < 0) {
                throw new NumberFormatException("negative");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + " line " + lineNo + ": " + field + " must be an integer >= 0, was "
                    + text, e);
        }
    }
}
