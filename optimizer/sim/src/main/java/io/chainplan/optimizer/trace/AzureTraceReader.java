package io.chainplan.optimizer.trace;

import io.chainplan.optimizer.sim.RequestTrace;
import java.io.IOException;
import java.io.Reader;
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
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads an Azure LLM inference trace (Patel et al., Splitwise, ISCA 2024; see
 * {@code ../shared/data/README.md}): CSV with header {@code TIMESTAMP,ContextTokens,GeneratedTokens},
 * one time-ordered row per request, parsed by Apache Commons CSV. Both timestamp formats are accepted,
 * row by row: the 2023 release's {@code 2023-11-16 18:17:03.9799600} (7 fractional digits, no zone,
 * read as UTC) and the 2024 release's {@code 2024-05-10 00:00:00.009930+00:00} (0-9 fractional
 * digits, offset). The one reader of this format: {@code chainplan simulate --arrivals trace:},
 * the petals-mig experiment and {@code chainplan local --trace} all read through it.
 * <p>Arrival offsets are relative to the first request. A bad file is an
 * {@link IllegalArgumentException} naming the file, the line and the field: a missing column, a
 * short row, an unparseable timestamp, a row earlier than the one before it, a negative or
 * non-integer token count, fewer than two rows, or rows that all share one timestamp (a zero span
 * has no arrival rate).
 */
public final class AzureTraceReader {
    /** The header's columns (matched without regard to case). */
    public static final List<String> COLUMNS = List.of("TIMESTAMP", "ContextTokens", "GeneratedTokens");

    private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .toFormatter(Locale.ROOT);
    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true)
            .setIgnoreHeaderCase(true).setTrim(true).get();

    private AzureTraceReader() {
    }

    /**
     * Reads a whole trace file.
     *
     * @param path the CSV file
     * @return the trace, at least two requests over a positive span
     * @throws UncheckedIOException     if the file cannot be read
     * @throws IllegalArgumentException for a malformed file, naming the file, line and field
     */
    public static RequestTrace read(Path path) {
        return read(path, Integer.MAX_VALUE);
    }

    /**
     * Reads the first {@code limit} requests of a trace file (the rows after them are not read).
     *
     * @param path  the CSV file
     * @param limit most requests to read, {@code >= 2}
     * @return the trace, at least two requests over a positive span
     * @throws UncheckedIOException     if the file cannot be read
     * @throws IllegalArgumentException for a malformed file, naming the file, line and field
     */
    public static RequestTrace read(Path path, int limit) {
        Objects.requireNonNull(path, "path");
        if (limit < 2) {
            throw new IllegalArgumentException("limit must be >= 2 (a trace needs two requests for a rate), was " + limit);
        }
        try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8); CSVParser csv = FORMAT.parse(in)) {
            return parse(csv, limit, path.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read trace " + path + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new IllegalArgumentException(path + ": not valid CSV: " + e.getMessage(), e);
        }
    }

    private static RequestTrace parse(CSVParser csv, int limit, String file) {
        if (!COLUMNS.stream().allMatch(csv.getHeaderMap()::containsKey)) {
            throw new IllegalArgumentException(file + ": expected header " + String.join(",", COLUMNS) + ", was "
                    + String.join(",", csv.getHeaderNames()));
        }
        double[] t = new double[Math.min(limit, 1 << 14)];
        int[] inTok = new int[t.length];
        int[] outTok = new int[t.length];
        int n = 0;
        long firstNanos = 0;
        long firstLine = 0;
        for (Iterator<CSVRecord> rows = csv.iterator(); n < limit && rows.hasNext(); n++) {
            CSVRecord row = rows.next();
            long line = csv.getCurrentLineNumber();
            if (!COLUMNS.stream().allMatch(row::isSet)) {
                throw new IllegalArgumentException(file + " line " + line + ": expected " + COLUMNS.size() + " fields ("
                        + String.join(",", COLUMNS) + "), was " + row.size() + ": " + String.join(",", row.values()));
            }
            if (n == t.length) {
                t = Arrays.copyOf(t, n * 2);
                inTok = Arrays.copyOf(inTok, n * 2);
                outTok = Arrays.copyOf(outTok, n * 2);
            }
            String timestamp = row.get(COLUMNS.get(0));
            long nanos = epochNanos(timestamp, file, line);
            if (n == 0) {
                firstNanos = nanos;
                firstLine = line;
            }
            t[n] = (nanos - firstNanos) / 1e9;
            if (n > 0 && t[n] < t[n - 1]) {
                throw new IllegalArgumentException(file + " line " + line + ": TIMESTAMP " + timestamp
                        + " is earlier than the previous row's (rows must be in time order)");
            }
            inTok[n] = tokens(row, COLUMNS.get(1), file, line);
            outTok[n] = tokens(row, COLUMNS.get(2), file, line);
        }
        if (n < 2) {
            throw new IllegalArgumentException(file + ": " + n + " request row(s) after the header; a trace needs at least 2");
        }
        if (t[n - 1] == 0) {
            throw new IllegalArgumentException(file + " lines " + firstLine + "-" + csv.getCurrentLineNumber()
                    + ": all " + n + " rows have the same TIMESTAMP; a zero span has no arrival rate");
        }
        return new RequestTrace(Arrays.copyOf(t, n), Arrays.copyOf(inTok, n), Arrays.copyOf(outTok, n));
    }

    /** Nanoseconds since the epoch of one timestamp in either Azure format (UTC if it has no offset). */
    private static long epochNanos(String text, String file, long line) {
        try {
            TemporalAccessor p = TIMESTAMP.parse(text);
            ZoneOffset offset = p.isSupported(ChronoField.OFFSET_SECONDS)
                    ? ZoneOffset.ofTotalSeconds(p.get(ChronoField.OFFSET_SECONDS)) : ZoneOffset.UTC;
            OffsetDateTime odt = LocalDateTime.from(p).atOffset(offset);
            return odt.toEpochSecond() * 1_000_000_000L + odt.getNano();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(file + " line " + line + ": bad TIMESTAMP \"" + text
                    + "\", expected yyyy-MM-dd HH:mm:ss[.fffffff][+HH:MM]", e);
        }
    }

    private static int tokens(CSVRecord row, String field, String file, long line) {
        String text = row.get(field);
        int v;
        try {
            v = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + " line " + line + ": " + field + " must be an integer >= 0, was \""
                    + text + "\"", e);
        }
        if (v < 0) {
            throw new IllegalArgumentException(file + " line " + line + ": " + field + " must be >= 0, was " + v);
        }
        return v;
    }
}
