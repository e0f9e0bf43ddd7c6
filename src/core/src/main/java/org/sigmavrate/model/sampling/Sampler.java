package org.sigmavrate.model.sampling;

import java.util.List;

/** Draws joint samples of the unknown positions of windows; deterministic for the same tasks and seeds. */
public interface Sampler {
    List<SampleResult> sample(List<SampleTask> tasks);

    String name();
}
