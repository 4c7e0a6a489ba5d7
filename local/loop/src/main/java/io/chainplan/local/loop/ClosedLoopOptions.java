package io.chainplan.local.loop;

import io.chainplan.optimizer.model.Fleet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Options of the closed loop of {@code chainplan local}.
 *
 * @param wall          wall-clock length of the run
 * @param speedup       virtual seconds per wall second
 * @param fleet         a fleet (read from a fleet file, DESIGN.md §4.1) instead of the preset
 * @param preset        the built-in fleet run when there is no fleet file
 * @param trace         an Azure-format trace to replay instead of Poisson arrivals
 * @param ratePerSecond Poisson rate before any shift; empty: the fleet file's rate if positive, else the preset's
 * @param scenario      steady, shift or failure
 * @param comparePetals also run PETALS on the same arrivals
 * @param reportDir     where to write PNGs
 * @param seed          seed of arrivals and noise
 * @param dispatch      how the fleet's router dispatches: through the dispatch service or embedded
 * @param metricsPort   first port of the Prometheus endpoints (ingest, optimizer and router on it and the next
 *                      two; 0: free ports; -1: none), {@link LocalMetrics}
 * @param pagePort      port of the live plan page ({@link PlanPage}; 0: a free port; -1: none)
 */
public record ClosedLoopOptions(Duration wall, double speedup, Optional<Fleet> fleet, FleetPreset preset,
        Optional<Path> trace,
        Optional<Double> ratePerSecond, Scenario scenario, boolean comparePetals, Optional<Path> reportDir, long seed,
        Dispatch dispatch, int metricsPort, int pagePort) {
    /** How the simulated fleet's router dispatches ({@code --dispatch}). */
    public enum Dispatch {
        /** Through the dispatch service over HTTP, leases on {@code chainplan.leases} (the default). */
        SERVICE,
        /** The router library's {@code Dispatcher} in this process (one process per model). */
        EMBEDDED;

        /** @return the command-line name */
        public String cliName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Longest simulated span: below the 7-day retention of the event topics, as timestamps lie in the past. */
    public static final Duration MAX_VIRTUAL = Duration.ofDays(6);

    /** Validates the fields. */
    public ClosedLoopOptions {
        Objects.requireNonNull(wall, "wall");
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(fleet, "fleet");
        Objects.requireNonNull(preset, "preset");
        Objects.requireNonNull(dispatch, "dispatch");
        if (wall.isNegative() || wall.toMillis() < 1000) {
            throw new IllegalArgumentException("--duration must be at least 1s, was " + wall);
        }
        if (!(speedup >= 1) || Double.isInfinite(speedup)) {
            throw new IllegalArgumentException("--speedup must be >= 1, was " + speedup);
        }
        if (wall.toMillis() * speedup > MAX_VIRTUAL.toMillis()) {
            throw new IllegalArgumentException("--duration x --speedup must be at most 6 days of simulated time, was "
                    + Duration.ofMillis((long) (wall.toMillis() * speedup)));
        }
        ratePerSecond.ifPresent(r -> {
            if (!(r > 0) || r.isInfinite()) {
                throw new IllegalArgumentException("--rate must be > 0, was " + r);
            }
        });
    }

    /**
     * @return simulated length of the run, seconds
     */
    public double virtualSeconds() {
        return wall.toMillis() / 1000.0 * speedup;
    }
}
