package io.chainplan.local.loop;

import io.chainplan.schemas.avro.ChainPlan;
import java.io.PrintWriter;
import java.util.Locale;
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
     * Draws the line for the current state.
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
    public void update(double t, double end, Optional<ChainPlan> plan, Optional<RunRecorder.ObservedDemand> demand,
            double trueRate, double meanRt, int done, int queued) {
        String line = render(t, end, plan, demand, trueRate, meanRt, done, queued);
        if (terminal) {
            int pad = Math.max(0, lastLength - line.length());
            err.print("\r" + line + " ".repeat(pad));
            lastLength = line.length();
            err.flush();
            return;
        }
        int decile = (int) Math.floor(10 * Math.min(1, t / end));
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
     * Formats the status line.
     *
     * @param t        virtual seconds elapsed
     * @param end      virtual length of the run
     * @param plan     the newest plan
     * @param demand   the newest demand estimate
     * @param trueRate the true rate now
     * @param meanRt   recent mean response time
     * @param done     completed requests
     * @param queued   requests waiting
     * @return the line, without a line break
     */
    public static String render(double t, double end, Optional<ChainPlan> plan, Optional<RunRecorder.ObservedDemand> demand,
            double trueRate, double meanRt, int done, int queued) {
        double f = Math.max(0, Math.min(1, t / end));
        int filled = (int) Math.round(f * BAR);
        String bar = "#".repeat(filled) + "-".repeat(BAR - filled);
        String p = plan.map(c -> String.format(Locale.ROOT, "plan %d (%d chains, c=%d)", c.getEpoch(),
                c.getChains().size(), c.getC())).orElse("no plan yet");
        String est = demand.map(d -> String.format(Locale.ROOT, "%.2f", d.rate())).orElse("?");
        String rt = Double.isNaN(meanRt) ? "-" : String.format(Locale.ROOT, "%.2f s", meanRt);
        return String.format(Locale.ROOT, "[%s] %3.0f%% t=%4.0f/%.0f s | %s | rate est %s / true %.2f req/s | RT %s | done %d, queued %d",
                bar, 100 * f, t, end, p, est, trueRate, rt, done, queued);
    }
}
