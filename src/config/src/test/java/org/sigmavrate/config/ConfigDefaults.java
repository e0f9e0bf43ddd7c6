package org.sigmavrate.config;

import java.util.Map;

import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;

/**
 * {@link ForecasterConfig} built from its defaults alone (nothing from the environment or from files), with a few keys
 * set where a test needs them: how tests get "the defaults" without repeating them.
 */
public final class ConfigDefaults {
    private ConfigDefaults() {
    }

    public static ForecasterConfig forecaster() {
        return forecaster(Map.of());
    }

    /** @param settings {@code forecaster.*} keys and values, as in application.properties */
    public static ForecasterConfig forecaster(Map<String, String> settings) {
        return config(settings).getConfigMapping(ForecasterConfig.class);
    }

    /** A configuration with the mapping (its defaults readable by key, as Quarkus's) and these settings. */
    public static SmallRyeConfig config(Map<String, String> settings) {
        return new SmallRyeConfigBuilder().withMapping(ForecasterConfig.class)
                .withSources(new MapBackedConfigSource("test settings", settings, 500) {
                }).build();
    }
}
