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
 * Reads a FlightRadar24 flight-details export: {@code result.response.data.flight} with {@code identification}
 * ({@code id}: FR24's flight id, {@code callsign}), {@code aircraft.identification.modes} (ICAO address, upper-case
 * hex) and {@code track[]} points ({@code timestamp} epoch s, {@code latitude}, {@code longitude},
 * {@code altitude.feet}, {@code speed.kts}, {@code verticalSpeed.fpm}, {@code heading}: FR24's name for the track).
 * <p>
 * FR24 does not say which sensor its vertical speed comes from, so rates are {@link VerticalRateSource#UNKNOWN}.
 * Without a Mode S address the aircraft gets the stand-in id {@code "~" + flight id}. The FR24 flight id is
 * passed on as the flight id hint.
 */
public final class Fr24JsonReader implements FlightFileReader {
    static final String DATA_SOURCE = "fr24";
    private static final String[] PATH_TO_FLIGHT = {"result", "response", "data", "flight"};

    @Override
    public FlightFormat format() {
        return FlightFormat.FR24_JSON;
    }

    @Override
    public ReadResult read(Path file) throws UnreadableFileException {
        JsonNode identification = null;
        JsonNode aircraft = null;
        boolean sawTrack = false;
        List<JsonNode> points = new ArrayList<>();
        IOException broke = null;
        try (InputStream in = FlightFileInput.open(file);
             JsonParser parser = JsonValues.MAPPER.createParser(in)) {
            if (JsonStreams.firstToken(file, parser) != JsonToken.START_OBJECT) {
                throw new UnreadableFileException(file, "not a FlightRadar24 export: expected a JSON object");
            }
            try {
                for (String name : PATH_TO_FLIGHT) {
                    if (!JsonStreams.moveToField(parser, name) || parser.currentToken() != JsonToken.START_OBJECT) {
                        throw new UnreadableFileException(file, "not a FlightRadar24 export: no object at "
                                + String.join(".", PATH_TO_FLIGHT));
                    }
                }
                // the track is buffered because nothing promises that the aircraft's id comes before it
                while (JsonStreams.nextOrEof(parser) == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    JsonToken value = JsonStreams.nextOrEof(parser);
                    if (name.equals("identification")) {
                        identification = parser.readValueAsTree();
                    } else if (name.equals("aircraft")) {
                        aircraft = parser.readValueAsTree();
                    } else if (name.equals("track") && value == JsonToken.START_ARRAY) {
                        sawTrack = true;
                        JsonStreams.readArrayElements(parser, points);
                    } else {
                        parser.skipChildren();
                    }
                }
            } catch (UnreadableFileException e) {
                throw e;
            } catch (IOException e) {
                broke = e;
            }
        } catch (UnreadableFileException e) {
            throw e;
        } catch (IOException e) {
            throw new UnreadableFileException(file, "cannot read: " + e.getMessage(), e);
        }
        if (broke == null && !sawTrack) {
            throw new UnreadableFileException(file, "FlightRadar24 export without a 'track' array");
        }
        return decodeAll(file, identification, aircraft, points, broke);
    }

    private ReadResult decodeAll(Path file, JsonNode identification, JsonNode aircraft, List<JsonNode> points,
                                 IOException broke) throws UnreadableFileException {
        String flightId;
        String callsign;
        String icao24;
        try {
            flightId = identification == null ? null : JsonValues.text(identification.get("id"), "identification.id");
            callsign = identification == null ? null
                    : JsonValues.text(identification.get("callsign"), "identification.callsign");
            String modeS = aircraft == null ? null
                    : JsonValues.text(aircraft.path("identification").get("modes"), "aircraft.identification.modes");
            icao24 = modeS != null ? TextValues.aircraftId(modeS, "modes")
                    : flightId != null ? "~" + TextValues.aircraftId(flightId, "id") : null;
        } catch (BadRecordException e) {
            throw new UnreadableFileException(file, "unusable aircraft identification: " + e.detail());
        }
        if (icao24 == null) {
            String why = broke == null ? "" : " (the file is cut off: " + broke.getMessage() + ")";
            throw new UnreadableFileException(file, "FlightRadar24 export with neither "
                    + "aircraft.identification.modes nor identification.id" + why);
        }
        ReadResultBuilder result = new ReadResultBuilder(file, format());
        long index = 0;
        for (JsonNode point : points) {
            index++;
            try {
                ReportDraft d = decode(point);
                d.icao24 = icao24;
                d.callsign = callsign;
                d.flightIdHint = flightId;
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

    private static ReportDraft decode(JsonNode point) throws BadRecordException {
        if (!point.isObject()) {
            throw JsonValues.wrongType("track point", "an object", point);
        }
        ReportDraft d = new ReportDraft();
        d.timeMillis = JsonValues.epochMillisFromSeconds(point.get("timestamp"), "timestamp");
        d.latitudeDeg = JsonValues.number(point.get("latitude"), "latitude");
        d.longitudeDeg = JsonValues.number(point.get("longitude"), "longitude");
        d.baroAltitudeFt = JsonValues.number(nested(point, "altitude", "feet"), "altitude.feet");
        d.groundSpeedKt = JsonValues.number(nested(point, "speed", "kts"), "speed.kts");
        d.offerVerticalRate(JsonValues.number(nested(point, "verticalSpeed", "fpm"), "verticalSpeed.fpm"),
                VerticalRateSource.UNKNOWN);
        d.trackDeg = JsonValues.number(point.get("heading"), "heading");
        return d;
    }

    private static JsonNode nested(JsonNode point, String outer, String inner) throws BadRecordException {
        JsonNode container = point.get(outer);
        if (JsonValues.isMissing(container)) {
            return null;
        }
        if (!container.isObject()) {
            throw JsonValues.wrongType(outer, "an object", container);
        }
        return container.get(inner);
    }
}
