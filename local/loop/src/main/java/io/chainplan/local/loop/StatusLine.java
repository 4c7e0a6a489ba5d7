package io.chainplan.local.loop;

import io.chainplan.schemas.avro.ArrivalProcess;
import io.chainplan.schemas.avro.ChainPlan;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The live status line of {@code chainplan local}: progress bar, simulated time, the plan in force
 * (epoch, chains, c), estimated vs true arrival rate, and the mean response time of the last 500
 * requests. On a terminal it is redrawn in place with {@code \r}; otherwise (a log file, CI) a full
 * line is printed only every tenth of the run, so logs are not flooded.
 */
public final class StatusLine {
    private static final int BAR = 24;
    private final PrintWriter err;
    private final boolean terminal;
    private int lastDecile = -1;
    private int lastLength;

    /**
     * @param err      where to draw (stderr)
     * @param terminal true to redraw in place
     */
    public StatusLine(PrintWriter err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    /**
     * What the status line shows: a snapshot of the run, built by the loop every quarter second. New
     * fields (a burstiness estimate, a scenario's own figure) go here and into {@link #render()}.
     *
     * @param t        virtual seconds elapsed
     * @param end      virtual length of the run
     * @param plan     the newest plan
     * @param demand   the newest demand estimate
     * @param trueRate the rate the load is generating now
     * @param meanRt   recent mean response time, NaN if none
     * @param done     completed requests
     * @param queued   requests waiting at the router
     */
    public record Snapshot(double t, double end, Optional<ChainPlan> plan, Optional<RunRecorder.ObservedDemand> demand,
            double trueRate, double meanRt, int done, int queued) {
        /** Validates the fields. */
        public Snapshot {
            Objects.requireNonNull(plan, "plan");
            Objects.requireNonNull(demand, "demand");
        }

        /** @return the line, without a line break */
        public String render() {
            double f = Math.max(0, Math.min(1, t / end));
            int filled = (int) Math.round(f * BAR);
            String bar = "#".repeat(filled) + "-".repeat(BAR - filled);
            String p = plan.map(StatusLine::describePlan).orElse("no plan yet");
            String est = demand.map(StatusLine::describeDemand).orElse("?");
            String rt = Double.isNaN(meanRt) ? "-" : String.format(Locale.ROOT, "%.2f s", meanRt);
            return String.format(Locale.ROOT,
                    "[%s] %3.0f%% t=%4.0f/%.0f s | %s | rate est %s / true %.2f req/s | RT %s | done %d, queued %d",
                    bar, 100 * f, t, end, p, est, trueRate, rt, done, queued);
        }
    }

    /**
     * Draws the line for the current state.
     *
     * @param snapshot the state
     */
    public void update(Snapshot snapshot) {
        String line = snapshot.render();
        if (terminal) {
            int pad = Math.max(0, lastLength - line.length());
            err.print("\r" + line + " ".repeat(pad));
            lastLength = line.length();
            err.flush();
            return;
        }
        int decile = (int) Math.floor(10 * Math.min(1, snapshot.t() / snapshot.end()));
        if (decile != lastDecile) {
            lastDecile = decile;
            err.println(line);
            err.flush();
        }
    }

    /** Ends the line (on a terminal), so later output starts on a fresh line. */
    public void finish() {
        if (terminal && lastLength > 0) {
            err.println();
            err.flush();
        }
    }

    /**
     * @param plan a plan
     * @return "plan 3 (4 chains, c=7)", or "plan 3 (4 chains, placement kept)" for a plan that kept
     *         the previous placement and only re-allocated the caches (it records c = 0)
     */
    static String describePlan(ChainPlan plan) {
        String c = plan.getC() > 0 ? "c=" + plan.getC() : "placement kept";
        ArrivalProcess a = plan.getInputs() == null ? null : plan.getInputs().getArrivals();
        String arrivals = a == null || a.getKind().equals("poisson") ? "" : ", for " + a.getKind() + " arrivals";
        return String.format(Locale.ROOT, "plan %d (%d chains, %s%s)", plan.getEpoch(), plan.getChains().size(), c,
                arrivals);
    }

    /**
     * @param d a demand estimate
     * @return "5.12", or "5.12 (I(60s) 12.3)" with its burstiness: the index of dispersion of counts at its
     *         longest window (1 for Poisson arrivals)
     */
    static String describeDemand(RunRecorder.ObservedDemand d) {
        String rate = String.format(Locale.ROOT, "%.2f", d.rate());
        return Double.isNaN(d.dispersion()) ? rate
                : String.format(Locale.ROOT, "%s (I(%.0fs) %.1f)", rate, d.windowSeconds(), d.dispersion());
    }
}
