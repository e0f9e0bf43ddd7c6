package org.sigmavrate.tools.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service's re-forecast decisions so far, read from its Prometheus endpoint
 * ({@code sigmavrate_forecast_triggers_total{decision=...}}): how many due passes it skipped because the standing
 * forecast stood, against those it forecast. What the demo prints beside the records' own trigger reasons.
 *
 * @param forecast density passes queued (every reason)
 * @param skipped  due passes skipped
 */
record ServiceDecisions(double forecast, double skipped) {
    private static final Pattern LINE = Pattern.compile(
            "^sigmavrate_forecast_triggers_total\\{[^}]*decision=\"(forecast|skipped)\"[^}]*}\\s+(\\S+)", Pattern.MULTILINE);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    static final ServiceDecisions UNKNOWN = new ServiceDecisions(Double.NaN, Double.NaN);

    /** The decisions of the service on this port, or {@link #UNKNOWN} when its metrics cannot be read. */
    static ServiceDecisions read(int port) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/q/metrics"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? parse(r.body()) : UNKNOWN;
        } catch (IOException e) {
            return UNKNOWN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return UNKNOWN;
        }
    }

    /** Sums the counter's series per decision in a Prometheus text exposition. */
    static ServiceDecisions parse(String metrics) {
        double forecast = 0;
        double skipped = 0;
        Matcher m = LINE.matcher(metrics);
        while (m.find()) {
            double v = Double.parseDouble(m.group(2));
            if (m.group(1).equals("forecast")) {
                forecast += v;
            } else {
                skipped += v;
            }
        }
        return new ServiceDecisions(forecast, skipped);
    }

    /** The share of due passes skipped. */
    double skipShare() {
        return skipped / (skipped + forecast);
    }

    /** "; the service skipped 120 of 246 due passes (49%)", or "" when unknown or nothing was due yet. */
    String describe() {
        if (Double.isNaN(forecast) || forecast + skipped == 0) {
            return "";
        }
        return String.format("; the service skipped %,.0f of %,.0f due passes (%.0f%%, sigmavrate_forecast_triggers_total)",
                skipped, skipped + forecast, 100 * skipShare());
    }
}
