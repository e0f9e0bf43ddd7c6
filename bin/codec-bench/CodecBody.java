import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.ByteBufferOutputStream;
import org.sigmavrate.avro.v1.BandStep;
import org.sigmavrate.avro.v1.ChannelBand;
import org.sigmavrate.avro.v1.DensityBands;
import org.sigmavrate.batching.PendingWindow;
import org.sigmavrate.domain.flight.RejectionLedger;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.ingest.FlightReaders;
import org.sigmavrate.model.baseline.PersistenceForecaster;
import org.sigmavrate.streaming.AvroFormat;
import org.sigmavrate.tracking.FlightTrack;
import org.sigmavrate.tracking.ReforecastRules;
import org.sigmavrate.tracking.TrackRules;
import org.sigmavrate.tracking.WindowAssembler;

/**
 * The state and output codecs the stream thread runs, on realistic values: the stored track of a real flight
 * (406d95, OpenSky, its first 1,500 reports at 1 Hz under the changes policy, each window forecast by the persistence
 * baseline and published back: 54 slots and a standing forecast, {@link #sizes()}), that flight's last pending window
 * (64 steps) and a 64-step bands record with five quantiles. Loaded once per build, by that build's class loader, so
 * that the same calls run each build's code ({@link CodecBench}).
 */
public class CodecBody {
    public byte[] track;
    public List<PendingWindow> pending;
    public DensityBands bands;
    public Serializer<DensityBands> ser;
    public long sink;
    /**
     * The block compressor of the producer's lz4 (Kafka's Lz4BlockOutputStream at its default level). The producer
     * compresses a batch's records in 64 kB blocks; compressing one value alone costs its bytes' share of that plus
     * the compressor's per-block start (its hash table), so the figure is an upper bound of the per-report share.
     */
    private final LZ4Compressor lz4 = LZ4Factory.fastestInstance().fastCompressor();
    private final byte[] lz4Out = new byte[lz4.maxCompressedLength(1 << 16)];

    public CodecBody() throws Exception {
        TrackRules rules = new TrackRules(SpecLoader.bundled().grid(), 120_000, 10_000, 60_000, 10 * 60_000, 2)
                .withReforecast(ReforecastRules.changes(50, 15_000));
        List<Report> flight = new ArrayList<>(FlightReaders.read(Path.of("data/flights/opensky/states_28d23de4.csv")).reports());
        flight.sort(java.util.Comparator.comparingLong(Report::timeMillis));
        WindowAssembler assembler = new WindowAssembler(SpecLoader.bundled(), rules);
        PersistenceForecaster forecaster = new PersistenceForecaster();
        FlightTrack t = new FlightTrack("406d95");
        ObservedWindow lastWindow = null;
        for (Report r : flight.subList(0, 1500)) {
            if (t.accept(r, rules) == FlightTrack.Outcome.TRIGGERED) {
                ObservedWindow w = assembler.window(t, new RejectionLedger());
                t.markTriggered();
                if (w != null) {
                    lastWindow = w;
                    t.published(forecaster.forecast(List.of(w)).get(0), rules.reforecast());
                }
            }
        }
        track = t.toBytes();
        pending = List.of(new PendingWindow(lastWindow, 12.5, 7));
        List<BandStep> steps = new ArrayList<>();
        for (int s = 0; s < 64; s++) {
            steps.add(new BandStep(Instant.ofEpochMilli(1_685_620_800_000L + s * 10_000L),
                    new ChannelBand(s < 50, List.of(-300.0 + s, -100.0, 0.5 * s, 100.0, 300.0), 1.0 * s),
                    new ChannelBand(s < 50, List.of(3000.0 + s, 3100.0, 3200.0, 3300.0, 3400.0), 3200.0)));
        }
        bands = new DensityBands("406d95", "406d95-20230601T120000Z", "sgpt-small-v2-int8", "a05675ad169e",
                Instant.ofEpochMilli(1_685_620_800_000L), 10_000, Instant.ofEpochMilli(1_685_621_430_000L),
                List.of(0.05, 0.25, 0.5, 0.75, 0.95), steps, "DLH4AB", 48.35, 11.78, "opensky", "max-age");
        ser = AvroFormat.singleObjectSerde(DensityBands.class).serializer();
    }

    /** the service's per-report state round trip: read the stored track, write it back */
    public void trackRoundTrip(int n) {
        for (int i = 0; i < n; i++) {
            sink += FlightTrack.fromBytes("406d95", track).toBytes().length;
        }
    }

    /** as {@link #trackRoundTrip}, and the written bytes through lz4, as the producer compresses them */
    public void trackRoundTripLz4(int n) {
        for (int i = 0; i < n; i++) {
            byte[] bytes = FlightTrack.fromBytes("406d95", track).toBytes();
            sink += lz4.compress(bytes, 0, bytes.length, lz4Out, 0, lz4Out.length);
        }
    }

    /** The track's bytes alone in a Kafka lz4 frame (its header, one block, the end mark: 15 bytes of framing). */
    private static int lz4Framed(byte[] bytes) throws IOException {
        ByteBufferOutputStream buffer = new ByteBufferOutputStream(bytes.length + 64);
        try (OutputStream out = Compression.lz4().build().wrapForOutput(buffer, RecordBatch.CURRENT_MAGIC_VALUE)) {
            out.write(bytes);
        }
        return buffer.position();
    }

    public void pendingRoundTrip(int n) {
        for (int i = 0; i < n; i++) {
            sink += PendingWindow.encode(PendingWindow.decode(PendingWindow.encode(pending))).length;
        }
    }

    public void bandsEncode(int n) {
        for (int i = 0; i < n; i++) {
            sink += ser.serialize("density-bands", bands).length;
        }
    }

    public String sizes() throws IOException {
        return track.length + " B track (" + lz4Framed(track) + " B lz4-framed alone), " + PendingWindow.encode(pending).length + " B pending window, "
                + ser.serialize("b", bands).length + " B bands";
    }
}
