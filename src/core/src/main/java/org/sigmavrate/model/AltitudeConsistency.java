package org.sigmavrate.model;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.sigmavrate.model.AltitudeConsistentRates.Band;
import org.sigmavrate.model.AltitudeConsistentRates.Share;

/**
 * Whether {@link SigmaGptForecaster} publishes its rates made altitude-consistent ({@link AltitudeConsistentRates}),
 * and with which parameters: the one definition of the setting, read by the service
 * ({@code forecaster.altitude-consistency.*}, whose defaults are src/config's ForecasterConfig), {@code infill},
 * {@code calibrate} and {@code evaluate}, and recorded in a calibration file. The parameters are kept when it is off: {@code evaluate} scores its altitude-consistent row
 * with them either way.
 *
 * @param enabled         publish the shifted rates
 * @param band            the central band whose width shares a span's correction among its steps
 * @param share           width or variance
 * @param altitudeNoiseFt standard deviation of an observed altitude difference (variance share only; 0: a hard
 *                        constraint)
 */
public record AltitudeConsistency(boolean enabled, Band band, Share share, double altitudeNoiseFt) {
    /**
     * Off, as a calibration file fitted without it reads (a file records the parameters only when it is on, and off
     * they shift nothing: these are placeholders).
     */
    public static final AltitudeConsistency OFF = new AltitudeConsistency(false, Band.CENTRAL_90, Share.WIDTH, 0);

    public AltitudeConsistency {
        if (band == null || share == null) {
            throw new IllegalArgumentException("altitude consistency needs a band and a share");
        }
        // the same checks as the rates themselves, so a bad setting fails where it is read
        new AltitudeConsistentRates(band, share, altitudeNoiseFt);
    }

    /**
     * The setting as a calibration file records it: {@code enabled} true|false; when on, {@code band} 50|90,
     * {@code share} width|variance, {@code noiseFt} in ft; off, {@link #OFF} (parameters not needed).
     *
     * @throws IllegalArgumentException naming what is wrong or missing
     */
    public static AltitudeConsistency parse(String enabled, String band, String share, String noiseFt) {
        if (!present(enabled)) {
            throw new IllegalArgumentException("enabled must be true or false, and is missing");
        }
        String e = enabled.trim().toLowerCase(Locale.ROOT);
        if (!e.equals("true") && !e.equals("false")) {
            throw new IllegalArgumentException("enabled must be true or false, not '" + enabled + "'");
        }
        if (e.equals("false")) {
            return OFF;
        }
        if (!present(band) || !present(share) || !present(noiseFt)) {
            throw new IllegalArgumentException("on, it needs band, share and altitude noise");
        }
        Band b;
        try {
            b = Band.ofPercent(Integer.parseInt(band.trim()));
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("band must be 50 or 90 (percent), not '" + band + "'");
        }
        Share s = Share.parse(share);
        double noise;
        try {
            noise = Double.parseDouble(noiseFt.trim());
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("altitude noise must be a number of ft, not '" + noiseFt + "'");
        }
        return new AltitudeConsistency(true, b, s, noise);
    }

    private static boolean present(String text) {
        return text != null && !text.isBlank();
    }

    public AltitudeConsistency withEnabled(boolean on) {
        return new AltitudeConsistency(on, band, share, altitudeNoiseFt);
    }

    /** The rates that shift a window's densities, with these parameters (whether or not it is enabled). */
    public AltitudeConsistentRates rates() {
        return new AltitudeConsistentRates(band, share, altitudeNoiseFt);
    }

    /** Whether forecasts published with {@code other} are the same as with this: both off, or both on alike. */
    public boolean publishesAsWith(AltitudeConsistency other) {
        return enabled ? equals(other) : !other.enabled;
    }

    /** "90% band, variance share, altitude noise 400 ft". */
    public String parameters() {
        return band.percent() + "% band, " + share.name().toLowerCase(Locale.ROOT) + " share, altitude noise "
                + noise() + " ft";
    }

    /** One line for logs: "on (90% band, variance share, altitude noise 400 ft)" or "off". */
    public String describe() {
        return enabled ? "on (" + parameters() + ")" : "off";
    }

    private String noise() {
        return altitudeNoiseFt == Math.rint(altitudeNoiseFt) ? String.valueOf((long) altitudeNoiseFt)
                : String.valueOf(altitudeNoiseFt);
    }

    /** As recorded in a calibration file and in metrics.json: {@code enabled}, and the parameters when it is on. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", enabled);
        if (enabled) {
            m.put("band", band.percent());
            m.put("share", share.name().toLowerCase(Locale.ROOT));
            m.put("altitude_noise_ft", altitudeNoiseFt);
        }
        return m;
    }
}
