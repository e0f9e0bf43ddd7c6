package org.sigmavrate.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The configuration key whose value is an option's default ({@link OptionDefaults}), so that the default is written
 * once, in src/config's ForecasterConfig, and {@code --help} shows it. The option then has no {@code defaultValue}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface ConfigKey {
    /** e.g. {@code forecaster.max-known-positions} */
    String value();

    /** a boolean flag that turns the setting off ({@code --no-calibration} for {@code forecaster.calibrated-bands}) */
    boolean negated() default false;
}
