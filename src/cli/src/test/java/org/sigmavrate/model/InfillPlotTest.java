package org.sigmavrate.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sigmavrate.cli.InfillCommand;
import org.sigmavrate.cli.plot.FanChartPng;

/**
 * infill --plot on real flights with the shipped model: one PNG per flight, named by its flight id, that decodes, has
 * the chart's size, and shows the bands nested (the 50% band inside the 90% one) and the forecast region after the
 * last report.
 */
class InfillPlotTest {
    /** 21 short flights around Eastham, several with gaps between their reports (steps that infill fills) */
    private static final Path EASTHAM = Path.of("data/flights/eastham-extra/tests-20minutes-20230829.jsonl.gz");
    /** one flight reported every few seconds, no gap */
    private static final Path AMBULANCE = Path.of("data/flights/traffic/ambulances/rega_zh.json.gz");

    @TempDir
    static Path dir;
    static CommandRun run;
    static Path plots;

    @BeforeAll
    static void infillWithPlots() {
        plots = dir.resolve("plots");
        run = CommandRun.of(new InfillCommand(), "--input", EASTHAM.toString(), AMBULANCE.toString(), "--out",
                dir.resolve("out.jsonl").toString(), "--samples", "0", "--plot", plots.toString());
    }

    @Test
    void writesOneDecodablePngPerFlightNamedByItsId() throws IOException {
        assertEquals(0, run.exit(), run.err());
        Set<String> flights = new TreeSet<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(dir.resolve("out.jsonl"))) {
            flights.add(json.readTree(line).get("flight_id").asText());
        }
        assertTrue(flights.size() >= 2, "flights: " + flights);
        Set<String> pngs = new TreeSet<>();
        try (Stream<Path> files = Files.list(plots)) {
            files.forEach(f -> pngs.add(f.getFileName().toString()));
        }
        assertEquals(flights.stream().map(id -> FanChartPng.fileFor(plots, id).getFileName().toString())
                .collect(java.util.stream.Collectors.toCollection(TreeSet::new)), pngs);
        for (String id : flights) {
            BufferedImage image = ImageIO.read(FanChartPng.fileFor(plots, id).toFile());
            assertNotNull(image, id + ": not a decodable image");
            assertEquals(FanChartPng.WIDTH, image.getWidth());
            assertEquals(FanChartPng.HEIGHT, image.getHeight());
        }
    }

    @Test
    void theBandsAreDrawnNestedAndTheForecastRegionFollowsTheLastReport() throws IOException {
        assertEquals(0, run.exit(), run.err());
        String flight = mostInfilled();
        BufferedImage image = ImageIO.read(FanChartPng.fileFor(plots, flight).toFile());
        // the dashed line at the last report: the column with the most pixels of its colour; it spans the panels
        int markerX = -1;
        int most = 0;
        for (int x = 0; x < image.getWidth(); x++) {
            int n = 0;
            for (int y = 0; y < image.getHeight(); y++) {
                n += isLastReportLine(image.getRGB(x, y)) ? 1 : 0;
            }
            if (n > most) {
                most = n;
                markerX = x;
            }
        }
        assertTrue(most > FanChartPng.HEIGHT / 4, "no line at the last report: " + most + " pixels at most");
        int top = image.getHeight();
        int bottom = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            if (isLastReportLine(image.getRGB(markerX, y))) {
                top = Math.min(top, y);
                bottom = Math.max(bottom, y);
            }
        }
        int inner = FanChartPng.INNER_BAND.getRGB();
        int outer = FanChartPng.OUTER_BAND.getRGB();
        int forecast = FanChartPng.FORECAST_REGION.getRGB();
        int innerPixels = 0;
        int nested = 0;
        int outerBefore = 0;
        int outerAfter = 0;
        int forecastPixels = 0;
        int forecastLeftmost = Integer.MAX_VALUE;
        for (int x = 0; x < image.getWidth(); x++) {
            for (int y = top; y <= bottom; y++) {
                int rgb = image.getRGB(x, y);
                if (rgb == outer) {
                    if (x < markerX) {
                        outerBefore++;
                    } else {
                        outerAfter++;
                    }
                } else if (rgb == forecast) {
                    forecastPixels++;
                    forecastLeftmost = Math.min(forecastLeftmost, x);
                } else if (rgb == inner) {
                    innerPixels++;
                    if (outerAbove(image, x, y, outer)) {
                        nested++;
                    }
                }
            }
        }
        // both bands take room in the panels (the two-panel chart is 1200 x 800), before and after the last report
        assertTrue(outerBefore > 2000, "90% band pixels before the last report: " + outerBefore);
        assertTrue(outerAfter > 200, "90% band pixels in the forecast: " + outerAfter);
        assertTrue(innerPixels > 1000, "50% band pixels: " + innerPixels);
        // the 50% band lies inside the 90% one: going up from a 50% pixel meets the 90% band before the background
        assertTrue(nested > 0.8 * innerPixels, nested + " of " + innerPixels + " 50% band pixels under the 90% band");
        // the forecast region is shaded, and only after the last report
        assertTrue(forecastPixels > 500, "forecast region pixels: " + forecastPixels);
        assertTrue(forecastLeftmost >= markerX - 1,
                "the forecast region starts at x = " + forecastLeftmost + ", the last report at x = " + markerX);
    }

    /** The flight with the most steps without a reported vertical rate in the infill output. */
    private static String mostInfilled() throws IOException {
        java.util.Map<String, Integer> hidden = new java.util.TreeMap<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(dir.resolve("out.jsonl"))) {
            JsonNode w = json.readTree(line);
            int n = 0;
            for (JsonNode observed : w.get("vertical_rate").get("observed")) {
                n += observed.asBoolean() ? 0 : 1;
            }
            hidden.merge(w.get("flight_id").asText(), n, Integer::sum);
        }
        String best = hidden.entrySet().stream().max(java.util.Map.Entry.comparingByValue()).orElseThrow().getKey();
        assertTrue(hidden.get(best) >= 10, "hidden steps per flight: " + hidden);
        return best;
    }

    /** The dashed line's orange, or an anti-aliased mix of it with what lies beside it. */
    private static boolean isLastReportLine(int rgb) {
        int r = (rgb >> 16) & 0xFF;
        int g = (rgb >> 8) & 0xFF;
        int b = rgb & 0xFF;
        return r > 180 && r - g > 80 && g - b > 30;
    }

    /** Whether the first pixel above (x, y) that is neither the 50% band nor the median line is the 90% band. */
    private static boolean outerAbove(BufferedImage image, int x, int y, int outer) {
        int inner = FanChartPng.INNER_BAND.getRGB();
        for (int yy = y - 1; yy >= 0 && y - yy < 200; yy--) {
            int rgb = image.getRGB(x, yy);
            if (rgb == outer) {
                return true;
            }
            if (rgb != inner && !isMedianLine(rgb)) {
                return false;
            }
        }
        return false;
    }

    /** The median's colour, or an anti-aliased mix of it with a band's. */
    private static boolean isMedianLine(int rgb) {
        int b = rgb & 0xFF;
        int r = (rgb >> 16) & 0xFF;
        return b > r + 40 && List.of(FanChartPng.OUTER_BAND.getRGB(), FanChartPng.FORECAST_REGION.getRGB())
                .stream().noneMatch(c -> c == rgb) && rgb != 0xFFFFFFFF;
    }
}
