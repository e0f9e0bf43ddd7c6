package org.sigmavrate.ingest;

import java.io.IOException;
import java.nio.file.Path;

import org.sigmavrate.domain.flight.VerticalRateSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads readsb / adsb.lol aircraft states as JSON lines (optionally gzipped), one JSON object per line. Two line
 * shapes are accepted:
 * <ul>
 * <li>one aircraft per line with its own {@code now} (epoch s), as written by {@code adsb_actions}:
 * {@code {"now":1748719389,"hex":"a7f426","alt_baro":1500,"gscp":90,...,"flightdict":{...}}};</li>
 * <li>a whole {@code aircraft.json} snapshot per line: {@code {"now":..., "aircraft":[{...}, ...]}}, each aircraft a
 * record at that line.</li>
 * </ul>
 * Field names are readsb's: {@code hex} (a leading "~" marks a non-ICAO address and is kept), {@code alt_baro} (ft,
 * or "ground"), {@code alt_geom}, {@code gs} (or {@code gscp}), {@code track}, {@code baro_rate} (barometric,
 * preferred), {@code geom_rate} (geometric, used when there is no barometric rate), {@code flight} (callsign),
 * {@code seen_pos} (seconds before {@code now} the position was received, subtracted when present). A field missing
 * on the line is taken from the nested {@code flightdict} (the full readsb aircraft object) when there is one.
 * <p>
 * "ground" sets onGround and leaves the barometric altitude missing; a numeric {@code alt_baro} means airborne,
 * as readsb reports "ground" whenever the aircraft says it is on the ground.
 * <p>
 * A pretty-printed multi-line aircraft.json document is not JSON lines and is not read.
 */
public final class ReadsbJsonLinesReader implements FlightFileReader {
    static final String DATA_SOURCE = "readsb";

    @Override
    public FlightFormat format() {
        return FlightFormat.READSB_JSONL;
    }

    @Override
    public ReadResult read(Path file) throws UnreadableFileException {
        ReadResultBuilder result = new ReadResultBuilder(file, format());
        try (TextLines lines = new TextLines(file)) {
            for (String line = lines.nextNonBlank(result); line != null; line = lines.nextNonBlank(result)) {
                readLine(line, lines.lineNumber(), result);
            }
        } catch (IOException e) {
            if (e instanceof UnreadableFileException u) {
                throw u;
            }
            throw new UnreadableFileException(file, "cannot read: " + e.getMessage(), e);
        }
        return result.build();
    }

    private static void readLine(String line, long lineNumber, ReadResultBuilder result) {
        JsonNode node;
        try {
            node = JsonValues.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            result.reject(lineNumber, ReadProblem.BAD_JSON, "not a JSON object: " + e.getOriginalMessage());
            return;
        }
        if (!node.isObject()) {
            result.reject(lineNumber, ReadProblem.WRONG_TYPE, "line should be a JSON object but is "
                    + JsonValues.describe(node));
            return;
        }
        JsonNode aircraft = node.get("aircraft");
        if (aircraft != null && aircraft.isArray()) {
            for (JsonNode one : aircraft) {
                readAircraft(one, node.get("now"), lineNumber, result);
            }
        } else {
            readAircraft(node, node.get("now"), lineNumber, result);
        }
    }

    private static void readAircraft(JsonNode aircraft, JsonNode now, long lineNumber, ReadResultBuilder result) {
        if (!aircraft.isObject()) {
            result.reject(lineNumber, ReadProblem.WRONG_TYPE, "aircraft should be a JSON object but is "
                    + JsonValues.describe(aircraft));
            return;
        }
        try {
            result.accept(decode(aircraft, now).toReport(DATA_SOURCE));
        } catch (BadRecordException e) {
            result.reject(lineNumber, e);
        }
    }

    private static ReportDraft decode(JsonNode aircraft, JsonNode now) throws BadRecordException {
        JsonNode details = aircraft.get("flightdict");
        Fields f = new Fields(aircraft, details != null && details.isObject() ? details : null);
        ReportDraft d = new ReportDraft();
        long nowMillis = JsonValues.epochMillisFromSeconds(now, "now");
        double positionAgeS = JsonValues.number(aircraft.get("seen_pos"), "seen_pos");
        d.timeMillis = Double.isNaN(positionAgeS) ? nowMillis : nowMillis - Math.round(positionAgeS * 1000.0);
        d.icao24 = JsonValues.aircraftId(aircraft.get("hex"), "hex");
        d.latitudeDeg = JsonValues.number(aircraft.get("lat"), "lat");
        d.longitudeDeg = JsonValues.number(aircraft.get("lon"), "lon");
        JsonNode altBaro = f.get("alt_baro");
        if (altBaro != null && altBaro.isTextual() && altBaro.textValue().trim().equalsIgnoreCase("ground")) {
            d.onGround = Boolean.TRUE;
        } else {
            d.baroAltitudeFt = JsonValues.number(altBaro, "alt_baro");
            d.onGround = Double.isNaN(d.baroAltitudeFt) ? null : Boolean.FALSE;
        }
        d.geoAltitudeFt = JsonValues.number(f.get("alt_geom"), "alt_geom");
        JsonNode gs = f.get("gs");
        d.groundSpeedKt = JsonValues.number(JsonValues.isMissing(gs) ? f.get("gscp") : gs, "gs");
        d.trackDeg = JsonValues.number(f.get("track"), "track");
        d.offerVerticalRate(JsonValues.number(f.get("baro_rate"), "baro_rate"), VerticalRateSource.BAROMETRIC);
        d.offerVerticalRate(JsonValues.number(f.get("geom_rate"), "geom_rate"), VerticalRateSource.GEOMETRIC);
        d.callsign = JsonValues.text(f.get("flight"), "flight");
        return d;
    }

    /** A field from the line itself, else from its nested readsb aircraft object. */
    private record Fields(JsonNode line, JsonNode details) {
        JsonNode get(String name) {
            JsonNode value = line.get(name);
            boolean blank = JsonValues.isMissing(value) || (value.isTextual() && value.textValue().isBlank());
            if (blank && details != null) {
                return details.get(name);
            }
            return value;
        }
    }
}
