package org.sigmavrate.app;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.sigmavrate.avro.v1.DensityBands;
import org.sigmavrate.domain.forecast.WindowForecaster;
import org.sigmavrate.streaming.AvroFormat;
import org.sigmavrate.streaming.ForecastTopology;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The service's HTTP side, started only by {@code serve} and {@code demo} (a JDK HTTP server rather than Quarkus
 * HTTP, which would open its port for every subcommand): {@code /q/health} (+ {@code /live}, {@code /ready}),
 * {@code /q/metrics} (Prometheus), {@code /q/openapi}, and {@code /forecasts/{icao24}}: the latest density bands
 * of one aircraft from the local store, or from the instance that owns the key (interactive query).
 */
@ApplicationScoped
public class OpsHttpServer {
    private static final Logger LOG = Logger.getLogger(OpsHttpServer.class);

    @Inject
    StreamsService service;
    @Inject
    PrometheusMeterRegistry registry;
    @Inject
    WindowForecaster forecaster;

    @ConfigProperty(name = "forecaster.http.host", defaultValue = "0.0.0.0")
    String host;
    @ConfigProperty(name = "forecaster.http.port", defaultValue = "8080")
    int port;
    @ConfigProperty(name = "kafka-streams.application.server", defaultValue = "localhost:8080")
    String applicationServer;

    private HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public synchronized int start(int portOverride) throws IOException {
        int p = portOverride >= 0 ? portOverride : port;
        server = HttpServer.create(new InetSocketAddress(host, p), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/q/health", this::health);
        server.createContext("/q/metrics", ex -> send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        server.createContext("/q/openapi", this::openapi);
        server.createContext("/forecasts/", this::forecast);
        server.start();
        int bound = server.getAddress().getPort();
        LOG.infof("http: health, metrics and forecasts on http://localhost:%d", bound);
        return bound;
    }

    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    private void health(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        KafkaStreams streams = service.streams();
        KafkaStreams.State state = streams == null ? KafkaStreams.State.NOT_RUNNING : streams.state();
        boolean alive = streams != null && state != KafkaStreams.State.ERROR && state != KafkaStreams.State.PENDING_ERROR
                && state != KafkaStreams.State.NOT_RUNNING;
        boolean ready = alive && state == KafkaStreams.State.RUNNING && service.modelLoaded();
        boolean up = path.endsWith("/live") ? alive : ready;
        String body = String.format("{\"status\":\"%s\",\"checks\":[{\"name\":\"kafka-streams\",\"status\":\"%s\","
                + "\"data\":{\"state\":\"%s\"}},{\"name\":\"model\",\"status\":\"%s\",\"data\":{\"state\":\"%s\","
                + "\"model\":\"%s\",\"spec_sha256\":\"%s\"}}]}",
                up ? "UP" : "DOWN", alive ? (state == KafkaStreams.State.RUNNING ? "UP" : "DOWN") : "DOWN", state,
                service.modelLoaded() ? "UP" : "DOWN", service.modelLoaded() ? "model loaded" : "not loaded",
                service.modelLoaded() ? forecaster.modelId() : "", service.modelLoaded() ? forecaster.specSha256() : "");
        send(ex, up ? 200 : 503, "application/json", body);
    }

    private void openapi(HttpExchange ex) throws IOException {
        try (InputStream in = OpsHttpServer.class.getResourceAsStream("/openapi.yaml")) {
            send(ex, 200, "application/yaml", in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private void forecast(HttpExchange ex) throws IOException {
        String icao24 = ex.getRequestURI().getPath().substring("/forecasts/".length()).toLowerCase();
        boolean localOnly = "local=true".equals(ex.getRequestURI().getQuery());
        KafkaStreams streams = service.streams();
        if (streams == null || streams.state() != KafkaStreams.State.RUNNING) {
            send(ex, 503, "application/json", "{\"error\":\"the stream is not running yet\"}");
            return;
        }
        KeyQueryMetadata owner = streams.queryMetadataForKey(ForecastTopology.LATEST_STORE, icao24,
                Serdes.String().serializer());
        HostInfo active = owner == null ? null : owner.activeHost();
        if (!localOnly && active != null && !HostInfo.unavailable().equals(active) && !isSelf(active)) {
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://" + active.host() + ":"
                        + active.port() + "/forecasts/" + icao24 + "?local=true")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                send(ex, r.statusCode(), "application/json", r.body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                send(ex, 503, "application/json", "{\"error\":\"interrupted\"}");
            } catch (IOException e) {
                send(ex, 502, "application/json", "{\"error\":\"owner " + active + " unreachable\"}");
            }
            return;
        }
        ReadOnlyKeyValueStore<String, byte[]> store = streams.store(StoreQueryParameters
                .fromNameAndType(ForecastTopology.LATEST_STORE, QueryableStoreTypes.<String, byte[]>keyValueStore()));
        byte[] bytes = store.get(icao24);
        if (bytes == null) {
            send(ex, 404, "application/json", "{\"error\":\"no forecast for " + icao24 + "\"}");
            return;
        }
        DensityBands bands = AvroFormat.singleObjectSerde(DensityBands.class).deserializer().deserialize("", bytes);
        send(ex, 200, "application/json", toJson(bands));
    }

    private boolean isSelf(HostInfo info) {
        return applicationServer.equals(info.host() + ":" + info.port());
    }

    static String toJson(DensityBands bands) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonEncoder encoder = EncoderFactory.get().jsonEncoder(DensityBands.getClassSchema(), out);
        new SpecificDatumWriter<DensityBands>(DensityBands.class).write(bands, encoder);
        encoder.flush();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }
}
