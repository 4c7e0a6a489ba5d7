package io.chainplan.cli;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;

/** Parses {@code 60s}, {@code 2m}, {@code 1h}, {@code 500ms} or a plain number of seconds. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            double n = Double.parseDouble(v.replaceAll("[smh]$", ""));
            double seconds = v.endsWith("m") ? n * 60 : v.endsWith("h") ? n * 3600 : n;
            return Duration.ofMillis(Math.round(seconds * 1000));
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("expected a duration like 60s, 2m or 1h, was '" + value + "'");
        }
    }
}
