package org.sigmavrate.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.sigmavrate.ingest.TestFiles.flights;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.flight.VerticalRateSource;

class Fr24JsonReaderTest {
    private final Fr24JsonReader reader = new Fr24JsonReader();

    @Test
    void readsEachExportsTrackUnderTheModeSAddress() throws Exception {
        // python3: fl = json.load(f)['result']['response']['data']['flight'];
        //   len(fl['track']), fl['aircraft']['identification']['modes'].lower(), fl['identification']['callsign']
        Map<String, List<Object>> expected = Map.of(
                "2ce4f83f", List.of(871, "ae503d", "SPAR19"),
                "3376ab31", List.of(305, "8467d8", "JAL516"),
                "34a8254b", List.of(1249, "4b1901", "EDW24"),
                "372355e5", List.of(634, "4baac6", "THY9BP"));
        for (Map.Entry<String, List<Object>> flight : expected.entrySet()) {
            ReadResult result = reader.read(flights("traffic/fr24/" + flight.getKey() + ".json"));
            assertEquals(flight.getValue().get(0), result.reports().size(), flight.getKey());
            assertEquals(List.of(), result.problems());
            for (Report report : result.reports()) {
                assertEquals(flight.getValue().get(1), report.icao24());
                assertEquals(flight.getValue().get(2), report.callsign());
                assertEquals(flight.getKey(), report.flightIdHint());
                assertEquals("fr24", report.dataSource());
            }
        }
    }

    @Test
    void pointsInProductUnits() throws Exception {
        List<Report> reports = reader.read(flights("traffic/fr24/2ce4f83f.json")).reports();

        // python3: track[0] = {latitude 3.123632, longitude 101.553513, altitude.feet 0, speed.kts 23,
        //   verticalSpeed.fpm 0, heading 329, timestamp 1659425766}; track[435] = {latitude 4.985641,
        //   longitude 126.967133, altitude.feet 34000, speed.kts 446, verticalSpeed.fpm -448, heading 44,
        //   timestamp 1659440586}
        Report first = reports.get(0);
        assertEquals(1659425766000L, first.timeMillis());
        assertEquals(3.123632, first.latitudeDeg());
        assertEquals(101.553513, first.longitudeDeg());
        assertEquals(0.0, first.baroAltitudeFt());
        assertEquals(23.0, first.groundSpeedKt());
        assertEquals(329.0, first.trackDeg());
        Report cruise = reports.get(435);
        assertEquals(1659440586000L, cruise.timeMillis());
        assertEquals(34000.0, cruise.baroAltitudeFt());
        assertEquals(446.0, cruise.groundSpeedKt());
        assertEquals(-448.0, cruise.verticalRateFpm());
        assertEquals(VerticalRateSource.UNKNOWN, cruise.verticalRateSource());
        assertEquals(44.0, cruise.trackDeg());
        assertNull(cruise.onGround());
    }
}
