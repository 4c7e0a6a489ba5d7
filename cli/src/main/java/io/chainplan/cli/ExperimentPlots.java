package io.chainplan.cli;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG plots of the experiments (XChart). */
final class ExperimentPlots {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 600;

    private ExperimentPlots() {
    }

    /** A new line chart with a white background. */
    static XYChart chart(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        return chart;
    }

    /**
     * Draws a shaded band between {@code lower} and {@code upper}: the upper curve filled grey and the
     * lower curve filled white on top of it (XChart has no band series).
     */
    static void band(XYChart chart, String name, double[] x, double[] lower, double[] upper) {
        XYSeries hi = chart.addSeries(name, x, upper);
        hi.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
        hi.setFillColor(new Color(200, 200, 200));
        hi.setLineColor(new Color(150, 150, 150));
        hi.setMarker(SeriesMarkers.NONE);
        XYSeries lo = chart.addSeries(name + " (lower)", x, lower);
        lo.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
        lo.setFillColor(Color.WHITE);
        lo.setLineColor(new Color(150, 150, 150));
        lo.setMarker(SeriesMarkers.NONE);
        lo.setShowInLegend(false);
    }

    /** Adds a line series with markers. */
    static void line(XYChart chart, String name, double[] x, double[] y) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    }

    /** Writes the chart as PNG. */
    static void save(XYChart chart, Path file) throws IOException {
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
