package org.sigmavrate.cli.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TimeZone;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.sigmavrate.domain.grid.Channel;

/**
 * A flight's fan chart as a PNG: vertical rate over altitude against UTC time, each panel with the 90% band, the 50%
 * band, the median and the reported values; the stretch after the last report (the forecast) shaded and its start
 * marked. Drawn off screen (headless), the same size for every flight.
 */
public final class FanChartPng {
    public static final int WIDTH = 1200;
    public static final int HEIGHT = 800;
    /** Opaque, so that a pixel's colour says which band it lies in. */
    public static final Color OUTER_BAND = new Color(0xC6DBEF);
    public static final Color INNER_BAND = new Color(0x6BAED6);
    public static final Color MEDIAN = new Color(0x08519C);
    public static final Color REPORTED = new Color(0x252525);
    public static final Color FORECAST_REGION = new Color(0xFDE7D2);
    public static final Color LAST_REPORT = new Color(0xE6550D);

    private FanChartPng() {
    }

    /** The file a flight's chart is written to in {@code dir}: its flight id, characters unsafe in names replaced. */
    public static Path fileFor(Path dir, String flightId) {
        return dir.resolve(flightId.replaceAll("[^A-Za-z0-9._-]", "_") + ".png");
    }

    /** Writes the flight's chart to {@link #fileFor} and returns that path. */
    public static Path write(FlightFan fan, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(dir);
        Path file = fileFor(dir, fan.flightId());
        try (OutputStream out = Files.newOutputStream(file)) {
            ChartUtils.writeChartAsPNG(out, chart(fan), WIDTH, HEIGHT);
        }
        return file;
    }

    static JFreeChart chart(FlightFan fan) {
        DateAxis time = new DateAxis("time (UTC)");
        time.setTimeZone(TimeZone.getTimeZone("UTC"));
        time.setLowerMargin(0.01);
        time.setUpperMargin(0.01);
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(time);
        plot.setGap(14);
        plot.add(panel(fan, Channel.VERTICAL_RATE, "vertical rate (ft/min)"), 1);
        plot.add(panel(fan, Channel.ALTITUDE, "altitude (ft)"), 1);
        plot.setFixedLegendItems(legend());

        JFreeChart chart = new JFreeChart(title(fan), new Font(Font.SANS_SERIF, Font.BOLD, 18), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(8, 8, 8, 16));
        chart.addSubtitle(new TextTitle("model " + fan.modelId() + " · last report "
                + java.time.Instant.ofEpochMilli(fan.lastReportMillis()) + " · bands from the forecast's quantile levels",
                new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
        chart.getLegend().setPosition(RectangleEdge.BOTTOM);
        chart.getLegend().setFrame(org.jfree.chart.block.BlockBorder.NONE);
        return chart;
    }

    private static String title(FlightFan fan) {
        return "flight " + fan.flightId() + (fan.callsign() == null ? "" : " · " + fan.callsign());
    }

    private static XYPlot panel(FlightFan fan, Channel channel, String label) {
        List<FlightFan.Step> steps = fan.steps(channel);
        YIntervalSeries outer = new YIntervalSeries("90% band");
        YIntervalSeries inner = new YIntervalSeries("50% band");
        XYSeries reported = new XYSeries("reported", false, true);
        for (FlightFan.Step s : steps) {
            if (!Double.isNaN(s.lower90()) && !Double.isNaN(s.upper90())) {
                outer.add(s.timeMillis(), s.median(), s.lower90(), s.upper90());
            }
            if (!Double.isNaN(s.lower50()) && !Double.isNaN(s.upper50())) {
                inner.add(s.timeMillis(), s.median(), s.lower50(), s.upper50());
            } else {
                inner.add(s.timeMillis(), s.median(), s.median(), s.median());
            }
            if (!Double.isNaN(s.observed())) {
                reported.add(s.timeMillis(), s.observed());
            }
        }
        NumberAxis value = new NumberAxis(label);
        value.setAutoRangeIncludesZero(channel == Channel.VERTICAL_RATE);
        value.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        XYPlot p = new XYPlot();
        p.setRangeAxis(value);
        p.setBackgroundPaint(Color.WHITE);
        p.setDomainGridlinePaint(new Color(0xE0E0E0));
        p.setRangeGridlinePaint(new Color(0xE0E0E0));
        p.setOutlinePaint(new Color(0xBDBDBD));
        p.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);

        p.setDataset(0, new YIntervalSeriesCollection());
        ((YIntervalSeriesCollection) p.getDataset(0)).addSeries(outer);
        p.setRenderer(0, band(OUTER_BAND, OUTER_BAND, 1f));
        p.setDataset(1, new YIntervalSeriesCollection());
        ((YIntervalSeriesCollection) p.getDataset(1)).addSeries(inner);
        p.setRenderer(1, band(INNER_BAND, MEDIAN, 1.8f));
        p.setDataset(2, new XYSeriesCollection(reported));
        XYLineAndShapeRenderer dots = new XYLineAndShapeRenderer(false, true);
        // hours of reports every 10 s would merge into a thick line with the short flights' dot size
        double radius = steps.size() > 300 ? 1.1 : 1.8;
        dots.setSeriesShape(0, new Ellipse2D.Double(-radius, -radius, 2 * radius, 2 * radius));
        dots.setSeriesPaint(0, REPORTED);
        p.setRenderer(2, dots);

        if (!steps.isEmpty() && steps.get(steps.size() - 1).timeMillis() > fan.lastReportMillis()) {
            IntervalMarker forecast = new IntervalMarker(fan.lastReportMillis(), steps.get(steps.size() - 1).timeMillis(),
                    FORECAST_REGION);
            forecast.setAlpha(1f);
            long span = steps.get(steps.size() - 1).timeMillis() - steps.get(0).timeMillis();
            // a label wider than the region would be cut at the chart's edge; the legend names the colour anyway
            if (channel == Channel.VERTICAL_RATE
                    && steps.get(steps.size() - 1).timeMillis() - fan.lastReportMillis() > span / 12) {
                forecast.setLabel("forecast");
                forecast.setLabelFont(new Font(Font.SANS_SERIF, Font.ITALIC, 12));
                forecast.setLabelPaint(LAST_REPORT);
                forecast.setLabelAnchor(RectangleAnchor.TOP);
                forecast.setLabelTextAnchor(TextAnchor.TOP_CENTER);
                forecast.setLabelOffset(new RectangleInsets(4, 0, 0, 0));
                forecast.setLabelBackgroundColor(new Color(0, 0, 0, 0));
            }
            p.addDomainMarker(0, forecast, Layer.BACKGROUND);
        }
        ValueMarker last = new ValueMarker(fan.lastReportMillis(), LAST_REPORT,
                new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5f, 4f}, 0f));
        last.setAlpha(1f);
        p.addDomainMarker(0, last, Layer.FOREGROUND);
        return p;
    }

    /** A band between its lower and upper ends with the median drawn through it in {@code line}. */
    private static DeviationRenderer band(Color fill, Color line, float width) {
        DeviationRenderer r = new DeviationRenderer(true, false);
        r.setAlpha(1f);
        r.setAutoPopulateSeriesFillPaint(false);
        r.setSeriesFillPaint(0, fill);
        r.setSeriesPaint(0, line);
        r.setSeriesStroke(0, new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        return r;
    }

    private static LegendItemCollection legend() {
        LegendItemCollection items = new LegendItemCollection();
        items.add(new LegendItem("reported", null, null, null, new Ellipse2D.Double(-3, -3, 6, 6), REPORTED));
        LegendItem median = new LegendItem("median", null, null, null, new Rectangle2D.Double(-8, -1, 16, 2), MEDIAN);
        items.add(median);
        items.add(new LegendItem("50% band", null, null, null, new Rectangle2D.Double(-6, -6, 12, 12), INNER_BAND));
        items.add(new LegendItem("90% band", null, null, null, new Rectangle2D.Double(-6, -6, 12, 12), OUTER_BAND));
        items.add(new LegendItem("forecast (after the last report)", null, null, null,
                new Rectangle2D.Double(-6, -6, 12, 12), FORECAST_REGION));
        return items;
    }
}
