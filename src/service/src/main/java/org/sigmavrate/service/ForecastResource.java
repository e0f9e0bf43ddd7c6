package org.sigmavrate.service;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.sigmavrate.avro.v1.DensityBands;
import org.sigmavrate.streaming.ForecastTopology;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * The latest density bands of one aircraft: from this instance's store when it owns the aircraft's key, else from
 * the instance that does (Kafka Streams interactive queries; instances find each other by their
 * {@code application.server}).
 */
@Path("/forecasts")
@Tag(name = "forecasts", description = "The latest density bands per aircraft")
public class ForecastResource {
    @Inject
    KafkaStreams streams;

    /** host:port of this instance as the others reach it */
    @ConfigProperty(name = "quarkus.kafka-streams.application-server")
    Optional<String> applicationServer;

    /** the queries' own threads: never the HTTP worker threads that run the health checks */
    @Inject
    ForecastQueries queries;

    private static final Pattern ICAO24 = Pattern.compile("[0-9a-fA-F]{6}");

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @GET
    @Path("{icao24}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The latest density bands of one aircraft",
            description = "The DensityBands record (schemas/density-bands.avsc, Avro's JSON encoding) last published "
                    + "for the aircraft, from whichever instance holds it.")
    @APIResponse(responseCode = "200", description = "the latest bands", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT,
                    description = "DensityBands in Avro's JSON encoding (schemas/density-bands.avsc)")))
    @APIResponse(responseCode = "400", description = "icao24 is not 6 hexadecimal digits")
    @APIResponse(responseCode = "404",
            description = "no bands for this aircraft (yet, or silent longer than forecaster.state.expire-after-minutes)")
    @APIResponse(responseCode = "502", description = "the instance that holds the aircraft did not answer")
    @APIResponse(responseCode = "503", description = "the stream is not running yet (starting, rebalancing), or too many "
            + "queries are in progress (Retry-After)")
    @APIResponse(responseCode = "504", description = "no answer within forecaster.query.timeout-ms")
    public CompletionStage<Response> latest(
            @Parameter(description = "ICAO 24-bit address, hex (case-insensitive)", example = "3c6586")
            @PathParam("icao24") String icao24,
            @Parameter(description = "answer from this instance's store only, without asking the owner")
            @QueryParam("local") boolean local) {
        if (!ICAO24.matcher(icao24).matches()) {
            String shown = icao24.length() > 32 ? icao24.substring(0, 32) + "..." : icao24;
            return CompletableFuture.completedFuture(json(Response.Status.BAD_REQUEST, "{\"error\":\"icao24 must be 6 "
                    + "hexadecimal digits, an ICAO 24-bit address such as 3c6586\",\"icao24\":\""
                    + new String(JsonStringEncoder.getInstance().quoteAsString(shown)) + "\"}"));
        }
        return queries.run(() -> answer(icao24.toLowerCase(Locale.ROOT), local));
    }

    private Response answer(String key, boolean local) {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return json(Response.Status.SERVICE_UNAVAILABLE, "{\"error\":\"the stream is not running yet\"}");
        }
        KeyQueryMetadata owner = streams.queryMetadataForKey(ForecastTopology.LATEST_STORE, key,
                Serdes.String().serializer());
        HostInfo active = owner == null ? null : owner.activeHost();
        if (!local && active != null && !HostInfo.unavailable().equals(active) && !isSelf(active)) {
            return forward(active, key);
        }
        // typed: the store decodes with the serde the topology declared it with, whichever the serialization mode
        ReadOnlyKeyValueStore<String, DensityBands> store = streams.store(StoreQueryParameters.fromNameAndType(
                ForecastTopology.LATEST_STORE, QueryableStoreTypes.<String, DensityBands>keyValueStore()));
        DensityBands bands = store.get(key);
        if (bands == null) {
            return json(Response.Status.NOT_FOUND, "{\"error\":\"no forecast for " + key + "\"}");
        }
        return json(Response.Status.OK, toJson(bands));
    }

    private Response forward(HostInfo owner, String key) {
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://" + owner.host() + ":"
                    + owner.port() + "/forecasts/" + key + "?local=true")).timeout(queries.timeout()).build(),
                    HttpResponse.BodyHandlers.ofString());
            return Response.status(r.statusCode()).type(MediaType.APPLICATION_JSON).entity(r.body()).build();
        } catch (HttpTimeoutException e) {
            return json(Response.Status.GATEWAY_TIMEOUT, "{\"error\":\"owner " + owner + " did not answer within "
                    + queries.timeout().toMillis() + " ms\"}");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return json(Response.Status.SERVICE_UNAVAILABLE, "{\"error\":\"interrupted\"}");
        } catch (IOException e) {
            return json(Response.Status.BAD_GATEWAY, "{\"error\":\"owner " + owner + " unreachable\"}");
        }
    }

    private boolean isSelf(HostInfo info) {
        return applicationServer.map(s -> s.equals(info.host() + ":" + info.port())).orElse(true);
    }

    private static Response json(Response.Status status, String body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body).build();
    }

    static String toJson(DensityBands bands) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            JsonEncoder encoder = EncoderFactory.get().jsonEncoder(DensityBands.getClassSchema(), out);
            new SpecificDatumWriter<DensityBands>(DensityBands.class).write(bands, encoder);
            encoder.flush();
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
