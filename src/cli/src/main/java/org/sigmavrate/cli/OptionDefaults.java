package org.sigmavrate.cli;

import java.lang.reflect.Field;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.config.Config;

import io.quarkus.picocli.runtime.PicocliCommandLineFactory;
import picocli.CommandLine;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;

/**
 * Option defaults from the configuration: an option annotated {@link ConfigKey} takes the key's value (set in the
 * environment, as -D, or the default of src/config's ForecasterConfig, which Quarkus's configuration includes).
 */
@ApplicationScoped
public class OptionDefaults implements IDefaultValueProvider {
    private final Config config;

    public OptionDefaults(Config config) {
        this.config = config;
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        ConfigKey key = arg.userObject() instanceof Field f ? f.getAnnotation(ConfigKey.class) : null;
        if (key == null) {
            return null;
        }
        String value = config.getOptionalValue(key.value(), String.class).orElse(null);
        if (value == null || !key.negated()) {
            return value;
        }
        return String.valueOf(!Boolean.parseBoolean(value.trim()));
    }

    /** The command line with these defaults, for the whole hierarchy of subcommands. */
    @Produces
    CommandLine commandLine(PicocliCommandLineFactory factory) {
        return factory.create().setDefaultValueProvider(this);
    }
}
