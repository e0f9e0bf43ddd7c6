package org.sigmavrate.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.sigmavrate.domain.flight.VerticalRateSource;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads a readsb / adsb.lol {@code trace_full_<hex>.json} (plain or gzipped): {@code {"icao": hex, "timestamp": base
 * epoch s, "trace": [point, ...]}}. Point layout (readsb README-json, globe_history):
 * <pre>
 *  0 seconds after timestamp   1 lat   2 lon   3 altitude ft, "ground" or null   4 ground speed kt   5 track deg
 *  6 flags: 1 stale position, 2 start of a new leg, 4 vertical rate is geometric, 8 altitude is geometric
 *  7 vertical rate ft/min      8 aircraft details object or null   9 source type (2022+)
 * 10 geometric altitude ft    11 geometric vertical rate ft/min   12 IAS   13 roll
 * </pre>
 * The rate at index 7 is tagged by flag 4; without it, index 11 is used as a geometric rate. The callsign comes from
 * {@code details.flight} and is carried forward to later points, but not across a new-leg flag, because a new leg is
 * usually a new flight with a new callsign.
 */
public final class ReadsbTraceReader implements FlightFileReader {
    static final String DATA_SOURCE = "readsb-trace";
    private static final int FLAG_NEW_LEG = 2;
    private static final int FLAG_GEOMETRIC_RATE = 4;
    private static final int FLAG_GEOMETRIC_ALTITUDE = 8;
    /** Points of traces older than 2022 end after the details object. */
    private static final int MIN_POINT_LENGTH = 8;

    @Override
    public FlightFormat format() {
        return FlightFormat.READSB_TRACE;
    }

    @Override
    public ReadResult read(Path file) throws UnreadableFileException {
        String icao = null;
        JsonNode baseTime = null;
        boolean sawTrace = false;
        List<JsonNode> points = new ArrayList<>();
        IOException broke = null;
        try (InputStream in = FlightFileInput.open(file);
             JsonParser parser = JsonValues.MAPPER.createParser(in)) {
            if (JsonStreams.firstToken(file, parser) != JsonToken.START_OBJECT) {
                throw new UnreadableFileException(file, "not a readsb trace: expected a JSON object");
            }
            // points are buffered, not decoded on the fly, because "timestamp" may come after "trace"
            try {
                while (JsonStreams.nextOrEof(parser) == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    JsonToken value = JsonStreams.nextOrEof(parser);
                    if (name.equals("icao")) {
                        icao = parser.getValueAsString();
                        parser.skipChildren();
                    } else if (name.equals("timestamp")) {
                        baseTime = parser.readValueAsTree();
                    } else if (name.equals("trace") && value == JsonToken.START_ARRAY) {
                        sawTrace = true;
                        JsonStreams.readArrayElements(parser, points);
                    } else {
                        parser.skipChildren();
                    }
                }
            } catch (IOException e) {
                broke = e;
            }
        } catch (UnreadableFileException e) {
            throw e;
        } catch (IOException e) {
            throw new UnreadableFileException(file, "cannot read: " + e.getMessage(), e);
        }
        if (broke == null && !sawTrace) {
            throw new UnreadableFileException(file, "not a readsb trace: no 'trace' array");
        }
        return decodeAll(file, icao, baseTime, points, broke);
    }

    private ReadResult decodeAll(Path file, String icao, JsonNode baseTime, List<JsonNode> points, IOException broke)
            throws UnreadableFileException {
        String id;
        long baseMillis;
        try {
            id = TextValues.aircraftId(icao, "icao");
            baseMillis = JsonValues.epochMillisFromSeconds(baseTime, "timestamp");
        } catch (BadRecordException e) {
            String why = broke == null ? "" : " (the file is cut off: " + broke.getMessage() + ")";
            throw new UnreadableFileException(file, "readsb trace without a usable " + e.detail() + why);
        }
        ReadResultBuilder result = new ReadResultBuilder(file, format());
        String callsign = null;
        long index = 0;
        for (JsonNode point : points) {
            index++;
            try {
                int flags = flags(point);
                if ((flags & FLAG_NEW_LEG) != 0) {
                    callsign = null;
                }
                String announced = callsign(point);
                if (announced != null) {
                    callsign = announced;
                }
                ReportDraft d = decode(point, flags, id, baseMillis);
                d.callsign = callsign;
                result.accept(d.toReport(DATA_SOURCE));
            } catch (BadRecordException e) {
                result.reject(index, e);
            }
        }
        if (broke != null) {
            result.streamBroke(index + 1, broke);
        }
        return result.build();
    }

    private static int flags(JsonNode point) throws BadRecordException {
        if (!point.isArray()) {
            throw JsonValues.wrongType("trace point", "an array", point);
        }
        if (point.size() < MIN_POINT_LENGTH) {
            throw new BadRecordException(ReadProblem.COLUMN_COUNT, "trace point has " + point.size()
                    + " values, at least " + MIN_POINT_LENGTH + " expected");
        }
        double flags = JsonValues.number(point.get(6), "flags");
        return Double.isNaN(flags) ? 0 : (int) flags;
    }

    private static String callsign(JsonNode point) throws BadRecordException {
        JsonNode details = point.get(8);
        if (details == null || !details.isObject()) {
            return null;
        }
        return JsonValues.text(details.get("flight"), "details.flight");
    }

    private static ReportDraft decode(JsonNode point, int flags, String id, long baseMillis)
            throws BadRecordException {
        ReportDraft d = new ReportDraft();
        d.icao24 = id;
        double offsetS = JsonValues.number(point.get(0), "seconds after timestamp");
        if (!Double.isFinite(offsetS)) {
            throw new BadRecordException(ReadProblem.MISSING_FIELD, "seconds after timestamp is missing");
        }
        d.timeMillis = baseMillis + Math.round(offsetS * 1000.0);
        d.latitudeDeg = JsonValues.number(point.get(1), "lat");
        d.longitudeDeg = JsonValues.number(point.get(2), "lon");
        JsonNode altitude = point.get(3);
        if (altitude.isTextual() && altitude.textValue().trim().equalsIgnoreCase("ground")) {
            d.onGround = Boolean.TRUE;
        } else {
            double altitudeFt = JsonValues.number(altitude, "altitude");
            d.onGround = Double.isNaN(altitudeFt) ? null : Boolean.FALSE;
            if ((flags & FLAG_GEOMETRIC_ALTITUDE) != 0) {
                d.geoAltitudeFt = altitudeFt;
            } else {
                d.baroAltitudeFt = altitudeFt;
            }
        }
        d.groundSpeedKt = JsonValues.number(point.get(4), "ground speed");
        d.trackDeg = JsonValues.number(point.get(5), "track");
        VerticalRateSource rateSource = (flags & FLAG_GEOMETRIC_RATE) != 0
                ? VerticalRateSource.GEOMETRIC : VerticalRateSource.BAROMETRIC;
        d.offerVerticalRate(JsonValues.number(point.get(7), "vertical rate"), rateSource);
        if (Double.isNaN(d.geoAltitudeFt)) {
            d.geoAltitudeFt = JsonValues.number(point.get(10), "geometric altitude");
        }
        d.offerVerticalRate(JsonValues.number(point.get(11), "geometric vertical rate"),
                VerticalRateSource.GEOMETRIC);
        return d;
    }
}
