package org.sigmavrate.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.function.Function;

import org.sigmavrate.domain.flight.VerticalRateSource;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads the {@code traffic} library's sample files: a (gzipped) JSON array with one object per point, or the
 * column-oriented pandas layout {@code {"timestamp": {"0": v, ...}, "altitude": {...}}}.
 * <p>
 * Fields: {@code timestamp} epoch ms, {@code icao24}, {@code callsign}, {@code latitude}, {@code longitude},
 * {@code altitude} (barometric ft), {@code geoaltitude} (ft), {@code vertical_rate} (ft/min), {@code groundspeed}
 * (kt), {@code track} (deg), {@code onground}, {@code flight_id}. Other fields are ignored.
 * <p>
 * Rates are tagged {@link VerticalRateSource#BAROMETRIC}: the files do not say, but they are OpenSky state vectors,
 * whose {@code vertrate} is the barometric rate.
 * <p>
 * A file whose first record (or whose columns) has no {@code icao24} is one aircraft with unknown address (e.g.
 * {@code performance/fuelflow_a320}); it gets the stand-in id {@code "~" + file name without .json/.gz}, using
 * readsb's "~" convention for non-ICAO addresses. In a file that does have ids, a record without one is a problem.
 * <p>
 * The array form is streamed one record at a time, so large files do not need a whole-file tree; the column form
 * cannot be streamed row-wise and is read as a tree.
 */
public final class TrafficJsonReader implements FlightFileReader {
    static final String DATA_SOURCE = "traffic";

    @Override
    public FlightFormat format() {
        return FlightFormat.TRAFFIC_JSON;
    }

    @Override
    public ReadResult read(Path file) throws UnreadableFileException {
        ReadResultBuilder result = new ReadResultBuilder(file, format());
        try (InputStream in = FlightFileInput.open(file);
             JsonParser parser = JsonValues.MAPPER.createParser(in)) {
            JsonToken first = JsonStreams.firstToken(file, parser);
            if (first == JsonToken.START_ARRAY) {
                readRows(file, parser, result);
            } else if (first == JsonToken.START_OBJECT) {
                readColumns(file, parser, result);
            } else {
                throw new UnreadableFileException(file, "not traffic JSON: expected an array or an object, found "
                        + first);
            }
        } catch (UnreadableFileException e) {
            throw e;
        } catch (IOException e) {
            throw new UnreadableFileException(file, "cannot read: " + e.getMessage(), e);
        }
        return result.build();
    }

    static String standInId(Path file) {
        String name = FlightFileInput.plainName(file);
        return "~" + (name.endsWith(".json") ? name.substring(0, name.length() - 5) : name);
    }

    private void readRows(Path file, JsonParser parser, ReadResultBuilder result) {
        String standIn = null;
        boolean idsDecided = false;
        long index = 0;
        while (true) {
            long next = index + 1;
            JsonNode node;
            try {
                JsonToken token = parser.nextToken();
                if (token == JsonToken.END_ARRAY) {
                    return;
                }
                if (token == null) {
                    result.endedEarly(next, "the array is not closed; the file was cut off");
                    return;
                }
                node = parser.readValueAsTree();
            } catch (IOException e) {
                result.streamBroke(next, e);
                return;
            }
            index = next;
            if (!node.isObject()) {
                result.reject(index, ReadProblem.WRONG_TYPE, "record should be an object but is "
                        + JsonValues.describe(node));
                continue;
            }
            if (!idsDecided) {
                idsDecided = true;
                standIn = node.has("icao24") ? null : standInId(file);
            }
            try {
                result.accept(decode(node::get, standIn).toReport(DATA_SOURCE));
            } catch (BadRecordException e) {
                result.reject(index, e);
            }
        }
    }

    private void readColumns(Path file, JsonParser parser, ReadResultBuilder result)
            throws UnreadableFileException {
        JsonNode columns;
        try {
            columns = parser.readValueAsTree();
        } catch (IOException e) {
            // every column holds a part of each record, so a broken column-oriented file has no complete record
            result.streamBroke(1, e, "column-oriented file broken off, so no record is complete");
            return;
        }
        JsonNode timestamps = columns.get("timestamp");
        if (timestamps == null || !timestamps.isObject()) {
            throw new UnreadableFileException(file, "column-oriented traffic JSON needs a 'timestamp' column "
                    + "of {index: value}");
        }
        for (Iterator<String> names = columns.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!columns.get(name).isObject()) {
                throw new UnreadableFileException(file, "column '" + name + "' is not an object of {index: value}");
            }
        }
        String standIn = columns.has("icao24") ? null : standInId(file);
        long index = 0;
        for (Iterator<String> keys = timestamps.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            index++;
            try {
                result.accept(decode(name -> {
                    JsonNode column = columns.get(name);
                    return column == null ? null : column.get(key);
                }, standIn).toReport(DATA_SOURCE));
            } catch (BadRecordException e) {
                result.reject(index, e.reason(), e.detail() + " (row '" + key + "')");
            }
        }
    }

    private static ReportDraft decode(Function<String, JsonNode> field, String standInId) throws BadRecordException {
        ReportDraft d = new ReportDraft();
        d.timeMillis = JsonValues.epochMillisFromMillis(field.apply("timestamp"), "timestamp");
        d.icao24 = standInId != null ? standInId : JsonValues.aircraftId(field.apply("icao24"), "icao24");
        d.latitudeDeg = JsonValues.number(field.apply("latitude"), "latitude");
        d.longitudeDeg = JsonValues.number(field.apply("longitude"), "longitude");
        d.baroAltitudeFt = JsonValues.number(field.apply("altitude"), "altitude");
        d.geoAltitudeFt = JsonValues.number(field.apply("geoaltitude"), "geoaltitude");
        d.offerVerticalRate(JsonValues.number(field.apply("vertical_rate"), "vertical_rate"),
                VerticalRateSource.BAROMETRIC);
        d.groundSpeedKt = JsonValues.number(field.apply("groundspeed"), "groundspeed");
        d.trackDeg = JsonValues.number(field.apply("track"), "track");
        d.onGround = JsonValues.flag(field.apply("onground"), "onground");
        d.callsign = JsonValues.text(field.apply("callsign"), "callsign");
        d.flightIdHint = JsonValues.text(field.apply("flight_id"), "flight_id");
        return d;
    }
}
