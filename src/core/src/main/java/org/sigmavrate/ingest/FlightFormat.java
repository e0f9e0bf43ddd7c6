package org.sigmavrate.ingest;

/** The file formats the product reads. See README "Input formats". */
public enum FlightFormat {
    /** traffic-style gzipped (or plain) JSON array of point objects, row- or column-oriented. */
    TRAFFIC_JSON,
    /** readsb / adsb.lol JSON lines, one aircraft state per line (optionally gzipped). */
    READSB_JSONL,
    /** readsb {@code trace_full_*.json}: one aircraft, a base timestamp and an array of trace points. */
    READSB_TRACE,
    /** FlightRadar24 flight-details JSON with a {@code track} array. */
    FR24_JSON,
    /** OpenSky historical state-vector CSV dump (SI units). */
    OPENSKY_CSV,
    /** State vectors as Parquet: OpenSky's columns (SI units) or traffic's (ft, ft/min, kt), decided per file. */
    PARQUET_STATE_VECTORS,
    /** The product's canonical CSV: flight_id,timestamp,latitude,longitude,altitude_ft,vertical_rate_fpm,groundspeed_kt,track_deg. */
    CANONICAL_CSV
}
