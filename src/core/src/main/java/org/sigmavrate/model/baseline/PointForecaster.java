package org.sigmavrate.model.baseline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.sigmavrate.domain.forecast.ChannelForecast;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.WindowForecast;
import org.sigmavrate.domain.forecast.WindowForecaster;
import org.sigmavrate.domain.grid.Channel;

/**
 * A forecaster that gives one value per step and no spread: its quantiles, mean and single sample path all equal
 * the point estimate (so its CRPS is its absolute error). Altitude is interpolated linearly between observed
 * altitudes and held flat beyond them; subclasses say how the rate is estimated.
 */
public abstract class PointForecaster implements WindowForecaster {
    private static final double[] LEVELS = {0.05, 0.25, 0.5, 0.75, 0.95};

    /** @return the rate estimate of every step of the window, observed steps included */
    protected abstract double[] estimateRates(ObservedWindow window);

    @Override
    public List<WindowForecast> forecast(List<ObservedWindow> windows) {
        List<WindowForecast> out = new ArrayList<>(windows.size());
        for (ObservedWindow w : windows) {
            ChannelForecast rate = pointForecast(w, Channel.VERTICAL_RATE, estimateRates(w));
            ChannelForecast altitude = pointForecast(w, Channel.ALTITUDE, Interpolation.linear(observed(w, Channel.ALTITUDE)));
            out.add(new WindowForecast(w, modelId(), specSha256(), LEVELS.clone(), rate, altitude, 0));
        }
        return out;
    }

    @Override
    public String specSha256() {
        return "";
    }

    static double[] observed(ObservedWindow w, Channel channel) {
        double[] values = new double[w.steps()];
        for (int s = 0; s < values.length; s++) {
            values[s] = w.value(s, channel);
        }
        return values;
    }

    private static ChannelForecast pointForecast(ObservedWindow w, Channel channel, double[] estimate) {
        int n = w.steps();
        boolean[] observed = new boolean[n];
        double[] values = observed(w, channel);
        double[] point = new double[n];
        double[][] quantiles = new double[n][];
        for (int s = 0; s < n; s++) {
            observed[s] = !Double.isNaN(values[s]);
            point[s] = observed[s] ? values[s] : estimate[s];
            quantiles[s] = new double[LEVELS.length];
            Arrays.fill(quantiles[s], point[s]);
        }
        return new ChannelForecast(observed, values, point, point.clone(), quantiles, new double[][] {point.clone()});
    }
}
