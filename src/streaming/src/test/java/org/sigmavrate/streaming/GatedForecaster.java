package org.sigmavrate.streaming;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.sigmavrate.domain.forecast.ObservedWindow;

/**
 * The altitude-difference baseline behind a gate the fault tests control: while the gate is closed, a call that
 * starts waits (as a slow model would) until it opens or its JVM is killed, so a fault injected then lands on a batch
 * that is surely in flight. Each call announces itself with the windows it holds ({@link #id}), so a test knows
 * which outputs were in flight at the fault and can check they came out once afterwards.
 */
final class GatedForecaster extends FaultInjectingBaseline {
    /** first word of the line a call announces when it waits behind the closed gate */
    static final String HELD = "held";
    /** first word of the line a call announces when it runs at once */
    static final String RAN = "ran";

    private final BooleanSupplier closed;
    private final Consumer<String> announce;
    private final AtomicInteger calls = new AtomicInteger();

    /**
     * @param closed   whether the gate is closed now (polled while a call waits)
     * @param announce receives one line per call: {@code held|ran <call> <window id> ...}
     */
    GatedForecaster(BooleanSupplier closed, Consumer<String> announce) {
        this.closed = closed;
        this.announce = announce;
    }

    /** A window's identity in announcements and in outputs: aircraft and time of its latest report. */
    static String id(String icao24, long lastReportTime) {
        return icao24 + "@" + lastReportTime;
    }

    @Override
    void beforeCall(List<ObservedWindow> windows) {
        boolean held = closed.getAsBoolean();
        announce.accept((held ? HELD : RAN) + " " + calls.incrementAndGet() + " " + windows.stream()
                .map(w -> id(w.icao24(), w.lastReportTime())).collect(Collectors.joining(" ")));
        while (closed.getAsBoolean()) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted behind the gate", e);
            }
        }
    }
}
