package org.sigmavrate.streaming;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.flight.VerticalRateSource;
import org.sigmavrate.tracking.StateStrings;

/**
 * The validated domain report on the re-partition topic, so that a re-keyed report is not read from Avro a second
 * time: the topic is internal (written and read by this service only), and what it carries has passed
 * {@link ReportValidator} already. Strings are {@link StateStrings} (format 2; format 1's writeUTF, still read, threw
 * beyond 65,535 bytes). Bytes that do not decode throw here, and the deserialization exception handler
 * ({@link SkipAndCountHandler}) skips and counts them instead of stopping the stream.
 */
public final class ReportSerde {
    private static final byte FORMAT = 2;

    private ReportSerde() {
    }

    public static Serde<Report> serde() {
        return Serdes.serdeFrom((topic, report) -> report == null ? null : encode(report),
                (topic, bytes) -> bytes == null ? null : decode(bytes));
    }

    static byte[] encode(Report r) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            StateStrings.write(out, r.icao24());
            out.writeLong(r.timeMillis());
            out.writeDouble(r.latitudeDeg());
            out.writeDouble(r.longitudeDeg());
            out.writeDouble(r.baroAltitudeFt());
            out.writeDouble(r.geoAltitudeFt());
            out.writeDouble(r.verticalRateFpm());
            out.writeByte(r.verticalRateSource() == null ? -1 : r.verticalRateSource().ordinal());
            out.writeDouble(r.groundSpeedKt());
            out.writeDouble(r.trackDeg());
            out.writeByte(r.onGround() == null ? -1 : r.onGround() ? 1 : 0);
            writeNullable(out, r.callsign());
            writeNullable(out, r.dataSource());
            writeNullable(out, r.flightIdHint());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Report decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte format = in.readByte();
            if (format != 1 && format != FORMAT) {
                throw new IllegalStateException("unknown re-partitioned report format " + format);
            }
            String icao24 = readString(in, format);
            long time = in.readLong();
            double latitude = in.readDouble();
            double longitude = in.readDouble();
            double baroAltitude = in.readDouble();
            double geoAltitude = in.readDouble();
            double rate = in.readDouble();
            byte source = in.readByte();
            double groundSpeed = in.readDouble();
            double track = in.readDouble();
            byte onGround = in.readByte();
            return new Report(icao24, time, latitude, longitude, baroAltitude, geoAltitude, rate,
                    source < 0 ? null : VerticalRateSource.values()[source], groundSpeed, track,
                    onGround < 0 ? null : onGround == 1, readNullable(in, format), readNullable(in, format),
                    readNullable(in, format));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeNullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            StateStrings.write(out, s);
        }
    }

    private static String readNullable(DataInputStream in, byte format) throws IOException {
        return in.readBoolean() ? readString(in, format) : null;
    }

    private static String readString(DataInputStream in, byte format) throws IOException {
        return format == 1 ? in.readUTF() : StateStrings.read(in);
    }
}
