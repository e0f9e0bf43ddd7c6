package org.sigmavrate.streaming;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.kafka.common.header.Headers;
import org.sigmavrate.batching.FailedWindow;
import org.sigmavrate.domain.forecast.ObservedWindow;

/**
 * A window whose inference failed its last attempt: the record sent to the forecast-failures topic, keyed by the
 * ICAO24, its value a small JSON object (any consumer reads it, no schema needed) and the reason and attempts also in
 * headers, as on the dead-letter topic.
 *
 * @param icao24         the aircraft (the record's key)
 * @param flightId       the flight
 * @param windowStart    the window's grid start
 * @param lastReportTime the triggering report's event time
 * @param modelId        the forecaster that failed
 * @param reason         {@link FailedWindow#INFERENCE_FAILED} or {@link FailedWindow#TIMEOUT}
 * @param detail         the exception, or how long the call ran
 * @param attempts       failed calls the window was in
 * @param failedAt       wall-clock time it was given up (also the record's timestamp)
 */
public record ForecastFailure(String icao24, String flightId, Instant windowStart, Instant lastReportTime,
        String modelId, String reason, String detail, int attempts, Instant failedAt) implements FlightOutput {
    public static final String REASON_HEADER = "failure.reason";
    public static final String ATTEMPTS_HEADER = "failure.attempts";

    public static ForecastFailure of(FailedWindow f, String modelId, long nowMillis) {
        ObservedWindow w = f.window().window();
        return new ForecastFailure(w.icao24(), w.window().flightId(), Instant.ofEpochMilli(w.window().startMillis()),
                Instant.ofEpochMilli(w.lastReportTime()), modelId, f.reason(), f.detail(), f.attempts(),
                Instant.ofEpochMilli(nowMillis));
    }

    public void addHeaders(Headers headers) {
        headers.add(REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(ATTEMPTS_HEADER, Integer.toString(attempts).getBytes(StandardCharsets.UTF_8));
    }

    /** {@code {"icao24": ..., "flight_id": ..., "window_start": ISO-8601, ..., "attempts": n, "failed_at": ...}} */
    public String toJson() {
        return "{\"icao24\":" + quoted(icao24) + ",\"flight_id\":" + quoted(flightId) + ",\"window_start\":"
                + quoted(windowStart.toString()) + ",\"last_report_time\":" + quoted(lastReportTime.toString())
                + ",\"model_id\":" + quoted(modelId) + ",\"reason\":" + quoted(reason) + ",\"detail\":" + quoted(detail)
                + ",\"attempts\":" + attempts + ",\"failed_at\":" + quoted(failedAt.toString()) + "}";
    }

    private static String quoted(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
