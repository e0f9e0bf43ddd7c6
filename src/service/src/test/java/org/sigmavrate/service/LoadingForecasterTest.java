package org.sigmavrate.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.sigmavrate.domain.forecast.WindowForecaster;
import org.sigmavrate.model.baseline.AltitudeDifferenceForecaster;
import org.sigmavrate.model.onnx.ModelLoadException;

class LoadingForecasterTest {
    @Test
    void answersForTheModelOnlyOnceLoaded() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        WindowForecaster model = new AltitudeDifferenceForecaster();
        AtomicReference<WindowForecaster> announced = new AtomicReference<>();
        LoadingForecaster loading = LoadingForecaster.start(() -> {
            await(release);
            return model;
        }, "test-loader").whenLoaded(announced::set, failure -> {
        });

        assertInstanceOf(LoadingForecaster.State.Loading.class, loading.state(), "still loading");
        AtomicReference<String> id = new AtomicReference<>();
        Thread asker = new Thread(() -> id.set(loading.modelId()));
        asker.start();
        asker.join(200);
        assertTrue(asker.isAlive(), "modelId waits for the load");

        release.countDown();
        asker.join(10_000);
        assertEquals(model.modelId(), id.get());
        LoadingForecaster.State state = loading.state();
        assertSame(model, ((LoadingForecaster.State.Loaded) state).forecaster());
        assertSame(model, announced.get(), "the loaded callback got the model");
        assertEquals(model.specSha256(), loading.specSha256());
    }

    @Test
    void nothingLoadsBeforeItIsBegunAndClosingAnUnbegunLoadDoesNotWait() throws Exception {
        CountDownLatch opened = new CountDownLatch(1);
        LoadingForecaster loading = LoadingForecaster.of(() -> {
            opened.countDown();
            return new AltitudeDifferenceForecaster();
        }, "test-loader");
        assertFalse(opened.await(200, TimeUnit.MILLISECONDS), "not begun: not loading");
        assertInstanceOf(LoadingForecaster.State.Loading.class, loading.state());
        long t0 = System.nanoTime();
        loading.close(30_000);
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "closed without waiting for a load that never began");

        LoadingForecaster begun = LoadingForecaster.of(AltitudeDifferenceForecaster::new, "test-loader");
        begun.begin();
        begun.begin(); // a second call changes nothing
        assertEquals(new AltitudeDifferenceForecaster().modelId(), begun.modelId());
    }

    @Test
    void aFailedLoadIsReportedAndRethrownAsItWasThrown() throws Exception {
        ModelLoadException refused = new ModelLoadException("forecaster.model-dir=x: model x has no model.onnx");
        CountDownLatch failedCallback = new CountDownLatch(1);
        AtomicReference<RuntimeException> reported = new AtomicReference<>();
        LoadingForecaster loading = LoadingForecaster.start(() -> {
            throw refused;
        }, "test-loader").whenLoaded(f -> {
        }, failure -> {
            reported.set(failure);
            failedCallback.countDown();
        });

        assertTrue(failedCallback.await(10, TimeUnit.SECONDS));
        assertSame(refused, reported.get());
        assertSame(refused, ((LoadingForecaster.State.Failed) loading.state()).failure());
        assertSame(refused, assertThrows(ModelLoadException.class, loading::modelId));
        loading.close(); // nothing loaded: nothing to close, and no wait
    }

    @Test
    void anErrorInTheLoaderIsAFailedLoad() {
        LoadingForecaster loading = LoadingForecaster.start(() -> {
            throw new UnsatisfiedLinkError("no onnxruntime in java.library.path");
        }, "test-loader");
        RuntimeException failure = assertThrows(RuntimeException.class, loading::loaded);
        assertTrue(failure.getMessage().contains("onnxruntime"), failure.getMessage());
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
