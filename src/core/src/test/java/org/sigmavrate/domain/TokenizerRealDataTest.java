package org.sigmavrate.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.sigmavrate.domain.flight.RejectionLedger;
import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.domain.grid.GriddedFlight;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.domain.token.Tokenizer;
import org.sigmavrate.ingest.FlightReaders;
import org.sigmavrate.preparation.FlightPreparation;
import org.sigmavrate.preparation.PreparationSettings;
import org.sigmavrate.preparation.PreparedFlight;

/** Encode/decode round trip on real flights of several providers, with the quantization error it costs. */
class TokenizerRealDataTest {
    private final Spec spec = SpecLoader.bundled();

    @Test
    void quantizationErrorStaysFarBelowThePersistenceError() throws Exception {
        List<Path> files = List.of(Path.of("data/flights/traffic/calibration/munich.json.gz"),
                Path.of("data/flights/traffic/fr24/34a8254b.json"),
                Path.of("data/flights/opensky/states_28d23de4.csv"),
                Path.of("data/flights/eastham/grid_20250601_36_-122.jsonl.gz"),
                Path.of("data/flights/traffic/featured/dreamliner_airfrance.json.gz"));
        FlightPreparation preparation = new FlightPreparation(new PreparationSettings(spec, 10 * 60_000L));
        Tokenizer tokenizer = spec.tokenizer();
        double[] sumError = new double[Channel.COUNT];
        double[] maxCoreError = new double[Channel.COUNT];
        long[] n = new long[Channel.COUNT];
        double persistenceSum = 0;
        long persistenceN = 0;
        for (Path file : files) {
            for (PreparedFlight flight : preparation.prepare(FlightReaders.read(file).reports(), new RejectionLedger())) {
                GriddedFlight g = flight.grid();
                for (int s = 0; s < g.steps(); s++) {
                    for (Channel c : Channel.values()) {
                        if (!g.has(s, c)) {
                            continue;
                        }
                        double v = g.value(s, c);
                        int token = tokenizer.encode(c, v);
                        assertEquals(c, tokenizer.channelOf(token));
                        double error = Math.abs(tokenizer.decode(token) - v);
                        sumError[c.ordinal()] += error;
                        n[c.ordinal()]++;
                        boolean core = c == Channel.VERTICAL_RATE ? Math.abs(v) <= 3000 : v >= -1000 && v <= 50_000;
                        if (core) {
                            maxCoreError[c.ordinal()] = Math.max(maxCoreError[c.ordinal()], error);
                        }
                    }
                    if (s > 0 && g.has(s, Channel.VERTICAL_RATE) && g.has(s - 1, Channel.VERTICAL_RATE)) {
                        persistenceSum += Math.abs(g.value(s, Channel.VERTICAL_RATE) - g.value(s - 1, Channel.VERTICAL_RATE));
                        persistenceN++;
                    }
                }
            }
        }
        double rateMae = sumError[0] / n[0];
        double altitudeMae = sumError[1] / n[1];
        double persistenceMae = persistenceSum / persistenceN;
        System.out.printf("tokenizer round trip on %d rates, %d altitudes: rate MAE %.2f ft/min (max %.1f in the core),"
                + " altitude MAE %.2f ft (max %.1f); 10 s persistence MAE %.1f ft/min%n", n[0], n[1], rateMae,
                maxCoreError[0], altitudeMae, maxCoreError[1], persistenceMae);
        assertTrue(n[0] > 10_000 && n[1] > 10_000, "too little data read");
        assertTrue(maxCoreError[0] <= 16 + 1e-9, "a core rate bin is wider than 32 ft/min");
        assertTrue(maxCoreError[1] <= 12.5 + 1e-9, "an altitude bin is wider than 25 ft");
        assertTrue(rateMae < persistenceMae / 5, "quantization error must stay well below the persistence error");
    }
}
