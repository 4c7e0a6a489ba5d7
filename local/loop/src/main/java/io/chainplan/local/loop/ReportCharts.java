package io.chainplan.local.loop;

import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.PlanChain;
import io.chainplan.schemas.avro.PlanHop;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code --report DIR}: the pictures of a run, as PNGs (XChart).
 * <ul>
 *   <li>{@code placement.png}: the final plan's placement, servers by blocks; each server's hosted range
 *       in grey, each chain's hops in its own colour (a server on several chains has several bars);</li>
 *   <li>{@code response-time.png}: response time of every request by arrival time, the mean over 10 s
 *       bins, each plan's predicted band, and plan switches as vertical lines;</li>
 *   <li>{@code rate.png}: the demand estimate with its 95% interval against the true arrival rate,
 *       with plan switches.</li>
 * </ul>
 */
public final class ReportCharts {
    private static final int WIDTH = 1100;
    private static final int HEIGHT = 560;
    private static final double BIN_SECONDS = 10;
    private static final Color[] PALETTE = {
        new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44), new Color(214, 39, 40),
        new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194), new Color(127, 127, 127),
        new Color(188, 189, 34), new Color(23, 190, 207)
    };

    private ReportCharts() {
    }

    /**
     * Writes the three PNGs.
     *
     * @param dir      output directory (created)
     * @param summary  the run's summary
     * @param recorder the run's record
     * @param load     the load (true rate)
     * @return the files written
     * @throws IOException if a file cannot be written
     */
    public static List<Path> write(Path dir, RunSummary summary, RunRecorder recorder, LoadSource load) throws IOException {
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>();
        if (!summary.plans().isEmpty()) {
            out.add(save(placement(summary.plans().get(summary.plans().size() - 1).plan()), dir.resolve("placement")));
        }
        out.add(save(responseTime(summary, recorder), dir.resolve("response-time")));
        out.add(save(rate(summary, recorder, load), dir.resolve("rate")));
        return out;
    }

    private static Path save(XYChart chart, Path base) throws IOException {
        BitmapEncoder.saveBitmap(chart, base.toString(), BitmapEncoder.BitmapFormat.PNG);
        return Path.of(base + ".png");
    }

    static XYChart placement(ChainPlan plan) {
        List<String> servers = plan.getPlacements().stream().map(a -> a.getServerId()).sorted().toList();
        int rows = servers.size();
        XYChart c = new XYChartBuilder().width(WIDTH).height(Math.max(360, 90 + 46 * rows))
                .title(String.format(Locale.ROOT, "Placement of plan %d (%s): %d chains, c = %d", plan.getEpoch(),
                        plan.getTrigger().getKind(), plan.getChains().size(), plan.getC()))
                .xAxisTitle("block").yAxisTitle("server (row; see the legend)").build();
        style(c);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setXAxisMin(0.0);
        c.getStyler().setXAxisMax((double) plan.getInputs().getModel().getBlocks());
        c.getStyler().setYAxisMin(-0.7);
        c.getStyler().setYAxisMax(rows - 0.3);
        c.getStyler().setYAxisDecimalPattern("#");
        for (var a : plan.getPlacements()) {
            int y = servers.indexOf(a.getServerId());
            XYSeries s = c.addSeries(String.format(Locale.ROOT, "row %d: %s [%d,%d), %d slots", y, a.getServerId(),
                    a.getStartBlock(), a.getEndBlock(), a.getCacheSlots()),
                    new double[] {a.getStartBlock(), a.getEndBlock()}, new double[] {y, y});
            line(s, new Color(200, 200, 200), new BasicStroke(22f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER));
        }
        List<PlanChain> chains = plan.getChains();
        int shown = Math.min(chains.size(), PALETTE.length);
        for (int k = 0; k < shown; k++) {
            Color color = PALETTE[k];
            double offset = shown == 1 ? 0 : -0.3 + 0.6 * k / (shown - 1);
            PlanChain chain = chains.get(k);
            List<PlanHop> hops = chain.getHops();
            for (int h = 0; h < hops.size(); h++) {
                PlanHop hop = hops.get(h);
                int y = servers.indexOf(hop.getServerId());
                String name = h == 0
                        ? String.format(Locale.ROOT, "chain %d: cap %d, T %.2f s", k, chain.getCapacity(), chain.getServiceSeconds())
                        : "chain " + k + " hop " + h;
                XYSeries s = c.addSeries(name, new double[] {hop.getStartBlock(), hop.getEndBlock()},
                        new double[] {y + offset, y + offset});
                line(s, color, new BasicStroke(4f));
                s.setShowInLegend(h == 0);
            }
        }
        return c;
    }

    static XYChart responseTime(RunSummary summary, RunRecorder recorder) {
        List<Completion> done = new ArrayList<>(recorder.completions());
        done.sort(Comparator.comparingDouble(Completion::arrivalSeconds));
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Response time by arrival: requests (dots), 10 s mean (line), each plan's lower/upper bound (solid/dashed)")
                .xAxisTitle("simulated time (s)").yAxisTitle("response time (s)").build();
        style(c);
        if (!done.isEmpty()) {
            XYSeries dots = c.addSeries("request", done.stream().mapToDouble(Completion::arrivalSeconds).toArray(),
                    done.stream().mapToDouble(Completion::responseSeconds).toArray());
            dots.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            dots.setMarker(SeriesMarkers.CIRCLE);
            dots.setMarkerColor(new Color(120, 120, 120, 60));
            double[][] bins = binnedMean(done);
            line(c.addSeries("mean per 10 s", bins[0], bins[1]), Color.BLACK, new BasicStroke(2f));
        }
        int k = 0;
        for (RunSummary.PeriodRow p : summary.periods()) {
            if (Double.isNaN(p.lower())) {
                continue;
            }
            Color color = PALETTE[k++ % PALETTE.length];
            double[] xs = {p.fromSeconds(), p.toSeconds()};
            line(c.addSeries("plan " + p.epoch() + " lower bound", xs, new double[] {p.lower(), p.lower()}), color,
                    new BasicStroke(2.5f));
            line(c.addSeries("plan " + p.epoch() + " upper bound", xs, new double[] {p.upper(), p.upper()}), color,
                    dashed());
        }
        markPlans(c, summary);
        double[] planned = done.stream().filter(x -> x.epochAtArrival() >= 0).mapToDouble(Completion::responseSeconds)
                .sorted().toArray();
        double p99 = planned.length == 0 ? 1 : planned[(int) Math.min(planned.length - 1, Math.floor(planned.length * 0.99))];
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisMax(Math.max(p99, maxUpper(summary)) * 1.3);
        return c;
    }

    static XYChart rate(RunSummary summary, RunRecorder recorder, LoadSource load) {
        List<RunRecorder.ObservedDemand> d = recorder.demand();
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Arrival rate: telemetry-ingest's estimate (95% interval) vs the true rate; vertical lines: plans")
                .xAxisTitle("simulated time (s)").yAxisTitle("requests / s").build();
        style(c);
        if (!d.isEmpty()) {
            double[] t = d.stream().mapToDouble(RunRecorder.ObservedDemand::atSeconds).toArray();
            List<Arrival> arrivals = recorder.arrivals();
            double from = arrivals.isEmpty() ? 0 : arrivals.get(0).timeSeconds();
            double to = arrivals.isEmpty() ? 1 : arrivals.get(arrivals.size() - 1).timeSeconds();
            int n = 600;
            double[] gx = new double[n + 1];
            double[] gy = new double[n + 1];
            for (int i = 0; i <= n; i++) {
                gx[i] = from + (to - from) * i / n;
                gy[i] = load.trueRatePerSecond(gx[i]);
            }
            line(c.addSeries("true rate", gx, gy), Color.BLACK, new BasicStroke(2f));
            XYSeries est = c.addSeries("estimate (points: published estimates)", t,
                    d.stream().mapToDouble(RunRecorder.ObservedDemand::rate).toArray());
            line(est, PALETTE[0], new BasicStroke(2f));
            est.setMarker(SeriesMarkers.CIRCLE);
            est.setMarkerColor(PALETTE[0]);
            line(c.addSeries("95% interval low", t, d.stream().mapToDouble(RunRecorder.ObservedDemand::lower).toArray()),
                    PALETTE[0], dashed());
            line(c.addSeries("95% interval high", t, d.stream().mapToDouble(RunRecorder.ObservedDemand::upper).toArray()),
                    PALETTE[0], dashed());
        } else {
            c.addSeries("no estimates seen", new double[] {0}, new double[] {0});
        }
        for (RunSummary.PlanRow p : summary.plans()) {
            double lam = p.plan().getArrivalRate();
            XYSeries s = c.addSeries("plan " + p.epoch() + " solved for lambda", new double[] {p.receivedSeconds()},
                    new double[] {lam});
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(SeriesMarkers.DIAMOND);
            s.setMarkerColor(PALETTE[3]);
        }
        markPlans(c, summary);
        c.getStyler().setYAxisMin(0.0);
        return c;
    }

    private static void markPlans(XYChart c, RunSummary summary) {
        for (RunSummary.PlanRow p : summary.plans()) {
            c.addAnnotation(new AnnotationLine(p.receivedSeconds(), true, false));
        }
    }

    private static double maxUpper(RunSummary summary) {
        return summary.periods().stream().mapToDouble(RunSummary.PeriodRow::upper).filter(Double::isFinite).max().orElse(0);
    }

    private static double[][] binnedMean(List<Completion> done) {
        double end = done.get(done.size() - 1).arrivalSeconds();
        int n = (int) Math.floor(end / BIN_SECONDS) + 1;
        double[] sum = new double[n];
        int[] count = new int[n];
        for (Completion x : done) {
            int b = (int) Math.floor(x.arrivalSeconds() / BIN_SECONDS);
            sum[b] += x.responseSeconds();
            count[b]++;
        }
        List<double[]> pts = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            if (count[b] > 0) {
                pts.add(new double[] {(b + 0.5) * BIN_SECONDS, sum[b] / count[b]});
            }
        }
        return new double[][] {pts.stream().mapToDouble(p -> p[0]).toArray(), pts.stream().mapToDouble(p -> p[1]).toArray()};
    }

    private static void line(XYSeries s, Color color, BasicStroke stroke) {
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        s.setLineStyle(stroke);
    }

    private static BasicStroke dashed() {
        return new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f);
    }

    private static void style(XYChart c) {
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setPlotBackgroundColor(Color.WHITE);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        c.getStyler().setPlotGridLinesColor(new Color(230, 230, 230));
        c.getStyler().setAntiAlias(true);
        c.getStyler().setMarkerSize(4);
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    }
}
