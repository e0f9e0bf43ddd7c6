package org.sigmavrate.service;

import java.util.List;
import java.util.Locale;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;

import io.smallrye.mutiny.Multi;

/**
 * The live dashboard's data (the page itself is META-INF/resources/index.html): the aircraft whose bands this
 * service has read from the bands topic ({@link DashboardFeed}), their latest bands, and server-sent events as new
 * bands arrive.
 */
@Path("/dashboard")
@Tag(name = "dashboard", description = "The live dashboard's data")
public class DashboardResource {
    @Inject
    DashboardFeed feed;

    /** The list with the server's clock, so that a page on another clock shows true ages. */
    public record Fleet(long serverTime, List<AircraftSummary> aircraft) {
    }

    @GET
    @Path("aircraft")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The aircraft with bands on the bands topic, most recently updated first")
    public Fleet aircraft() {
        return new Fleet(System.currentTimeMillis(), feed.aircraft());
    }

    @GET
    @Path("bands/{icao24}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The latest bands of one aircraft as read from the bands topic (Avro JSON); 404 if none")
    public Response bands(@PathParam("icao24") String icao24) {
        return feed.bands(icao24.toLowerCase(Locale.ROOT)).map(b -> Response.ok(b, MediaType.APPLICATION_JSON).build())
                .orElseGet(() -> Response.status(Response.Status.NOT_FOUND).type(MediaType.APPLICATION_JSON)
                        .entity("{\"error\":\"no bands read for this aircraft\"}").build());
    }

    @GET
    @Path("events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Server-sent events: one AircraftSummary per new bands record")
    public Multi<AircraftSummary> events() {
        return feed.updates();
    }
}
