package org.sigmavrate.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.sigmavrate.dataset.DatasetBuilder;
import org.sigmavrate.dataset.DatasetOptions;
import org.sigmavrate.dataset.DatasetResult;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.ingest.CanonicalCsvWriter;
import org.sigmavrate.ingest.FlightReaders;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "dataset", mixinStandardHelpOptions = true,
        description = {"Reads recorded flights, places them on the model's grid and writes tokenized training windows",
                "(.npy arrays, spec.json, manifest.json) split by flight into train/val/test, plus the validation and test flights",
                "as canonical CSV (val_flights.csv, test_flights.csv) for `evaluate`. Progress goes to stderr, the summary to stdout."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:dataset written", "1:the dataset could not be written", "2:bad arguments",
                "3:dataset written, but some input files were unreadable (named on stderr and in the manifest)"})
public class DatasetCommand implements Callable<Integer> {
    @Option(names = "--input", required = true, arity = "1..*", paramLabel = "PATH",
            description = "files or folders (searched recursively) of any supported format")
    List<Path> inputs;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder (created)")
    Path out;

    @Option(names = "--stride", defaultValue = "8", description = "steps between window starts (default: ${DEFAULT-VALUE})")
    int stride;

    @Option(names = "--min-coverage", defaultValue = "0.75",
            description = "fraction of a window's steps that must have a vertical rate (default: ${DEFAULT-VALUE})")
    double minCoverage;

    @ConfigKey("forecaster.flight.max-gap-minutes")
    @Option(names = "--max-gap-minutes",
            description = "a longer silence of an aircraft starts a new flight (default: ${DEFAULT-VALUE})")
    double maxGapMinutes;

    @Option(names = "--seed", defaultValue = "20240415", description = "seed of the split by flight (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--val-fraction", defaultValue = "0.1", description = "fraction of flights for validation (default: ${DEFAULT-VALUE})")
    double valFraction;

    @Option(names = "--test-fraction", defaultValue = "0.1",
            description = "fraction of flights held out for testing (default: ${DEFAULT-VALUE})")
    double testFraction;

    @Override
    public Integer call() {
        Spec spec = SpecLoader.bundled();
        DatasetOptions options;
        try {
            options = new DatasetOptions(stride, minCoverage, Math.round(maxGapMinutes * 60_000), seed, valFraction,
                    testFraction);
        } catch (IllegalArgumentException e) {
            System.err.println("dataset: " + e.getMessage());
            return 2;
        }
        List<Path> files;
        try {
            files = FlightReaders.expand(inputs, System.err);
        } catch (IOException e) {
            System.err.println("dataset: " + e.getMessage());
            return 2;
        }
        if (files.isEmpty()) {
            System.err.println("dataset: no supported flight files in " + inputs);
            return 2;
        }
        System.err.printf("dataset: %d files, spec %s, grid %d s x %d steps%n", files.size(), spec,
                spec.grid().stepMillis() / 1000, spec.grid().windowSteps());
        DatasetResult result = new DatasetBuilder(spec, options, FlightReaders::read, System.err).build(files);
        try {
            result.write(out);
            Path testCsv = out.resolve("test_flights.csv");
            CanonicalCsvWriter.write(testCsv, result.testFlights());
            Path validationCsv = out.resolve("val_flights.csv");
            CanonicalCsvWriter.write(validationCsv, result.validationFlights());
            System.out.print(result.summary());
            System.out.println("written to " + out.toAbsolutePath() + " (validation and test flights as canonical CSV: "
                    + validationCsv.getFileName() + ", " + testCsv.getFileName() + ")");
        } catch (IOException e) {
            System.err.println("dataset: cannot write " + out + ": " + e.getMessage());
            return 1;
        }
        return result.unreadableFiles() > 0 ? 3 : 0;
    }

}
