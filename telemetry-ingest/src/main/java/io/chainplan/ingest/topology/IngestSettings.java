package io.chainplan.ingest.topology;

import io.chainplan.ingest.estimate.ArrivalRateEstimator;
import io.chainplan.ingest.estimate.DemandEstimatorSettings;
import io.chainplan.ingest.estimate.EmissionRule;
import io.chainplan.ingest.estimate.HopTimingTracker;
import io.chainplan.ingest.estimate.RobustMeanEstimator;
import io.chainplan.ingest.estimate.ServerEstimator;
import io.chainplan.ingest.estimate.TimingPrior;
import io.chainplan.ingest.estimate.TokenRegression;
import io.chainplan.schemas.serde.FailureMode;
import java.util.List;
import java.util.Objects;

/**
 * Everything the ingest topology is tuned by (the app reads it from {@code chainplan.ingest.*}
 * keys, see {@code IngestConfig}). Times in milliseconds.
 *
 * @param demand                     arrival-rate estimator tuning (window, step, ...)
 * @param graceMillis                how long after a bucket's end late events are waited for before it closes
 * @param demandEmission             when demand estimates are published
 * @param serverEmission             when server estimates (and internal timing updates) are published
 * @param timingWindowSamples        effective window of the robust timing mean, samples
 * @param timingClipSigmas           residual clip of the robust timing mean, in scales
 * @param timingMinSamples           samples from which measured timings replace declared ones (and a
 *                                   per-token fit is used)
 * @param timingPrior                how declared timings become the prior of the per-token fits
 * @param memoryReserveBytes         memory kept back from each server's total
 * @param downAfterMillis            a server without telemetry for this long is DOWN
 * @param livenessCheckIntervalMillis how often (wall clock) liveness is checked
 * @param maxFutureSkewMillis        event times further ahead of the wall clock are invalid
 * @param gpuMetricsTopic            topic of Prometheus-adapter JSON GPU metrics, "" for none
 * @param gpuServerLabels            labels whose values, joined by '/', form the server id
 * @param failureMode                what to do with bad records on the stream inputs
 */
public record IngestSettings(DemandEstimatorSettings demand, long graceMillis, EmissionRule demandEmission,
                             EmissionRule serverEmission, int timingWindowSamples, double timingClipSigmas,
                             long timingMinSamples, TimingPrior timingPrior, long memoryReserveBytes, long downAfterMillis,
                             long livenessCheckIntervalMillis, long maxFutureSkewMillis, String gpuMetricsTopic,
                             List<String> gpuServerLabels, FailureMode failureMode) {
    /** Validates and copies. */
    public IngestSettings {
        Objects.requireNonNull(demand, "demand");
        Objects.requireNonNull(demandEmission, "demandEmission");
        Objects.requireNonNull(serverEmission, "serverEmission");
        Objects.requireNonNull(gpuMetricsTopic, "gpuMetricsTopic");
        Objects.requireNonNull(failureMode, "failureMode");
        Objects.requireNonNull(timingPrior, "timingPrior");
        gpuServerLabels = List.copyOf(gpuServerLabels);
        if (gpuServerLabels.isEmpty()) {
            throw new IllegalArgumentException("gpuServerLabels must name at least one label");
        }
        requireNonNegative(graceMillis, "graceMillis");
        requireNonNegative(memoryReserveBytes, "memoryReserveBytes");
        requireNonNegative(maxFutureSkewMillis, "maxFutureSkewMillis");
        requirePositive(downAfterMillis, "downAfterMillis");
        requirePositive(livenessCheckIntervalMillis, "livenessCheckIntervalMillis");
        requirePositive(timingMinSamples, "timingMinSamples");
        requirePositive(timingWindowSamples, "timingWindowSamples");
        if (!(timingClipSigmas > 0)) {
            throw new IllegalArgumentException("timingClipSigmas must be > 0, was " + timingClipSigmas);
        }
    }

    /**
     * @return 60 s window in 5 s steps, 2 s grace, publish on 5% moves or every 60 s, timing mean over
     *         50 samples clipped at 3 scales, 10 samples to trust a measurement (the per-token prior
     *         {@link TimingPrior#defaults()}), 1 GiB reserve, DOWN
     *         after 30 s (checked every 5 s), 5 min future skew, no GPU metrics topic (labels
     *         Hostname and gpu), dead-letter bad records
     */
    public static IngestSettings defaults() {
        return new IngestSettings(DemandEstimatorSettings.defaults(), 2_000, EmissionRule.defaults(), EmissionRule.defaults(),
                50, 3.0, 10, TimingPrior.defaults(), 1L << 30, 30_000, 5_000, 300_000, "", List.of("Hostname", "gpu"), FailureMode.DEAD_LETTER);
    }

    /**
     * @param topic GPU metrics topic, "" for none
     * @param labels labels forming the server id
     * @return a copy reading GPU metrics
     */
    public IngestSettings withGpuMetrics(String topic, List<String> labels) {
        return new IngestSettings(demand, graceMillis, demandEmission, serverEmission, timingWindowSamples, timingClipSigmas,
                timingMinSamples, timingPrior, memoryReserveBytes, downAfterMillis, livenessCheckIntervalMillis, maxFutureSkewMillis,
                topic, labels, failureMode);
    }

    /**
     * @param demandEmissionRule when demand estimates are published
     * @return a copy
     */
    public IngestSettings withDemandEmission(EmissionRule demandEmissionRule) {
        return new IngestSettings(demand, graceMillis, demandEmissionRule, serverEmission, timingWindowSamples,
                timingClipSigmas, timingMinSamples, timingPrior, memoryReserveBytes, downAfterMillis, livenessCheckIntervalMillis,
                maxFutureSkewMillis, gpuMetricsTopic, gpuServerLabels, failureMode);
    }

    /**
     * @param mode what to do with bad records
     * @return a copy
     */
    public IngestSettings withFailureMode(FailureMode mode) {
        return new IngestSettings(demand, graceMillis, demandEmission, serverEmission, timingWindowSamples, timingClipSigmas,
                timingMinSamples, timingPrior, memoryReserveBytes, downAfterMillis, livenessCheckIntervalMillis, maxFutureSkewMillis,
                gpuMetricsTopic, gpuServerLabels, mode);
    }

    /** @return the arrival-rate estimator */
    public ArrivalRateEstimator arrivalRateEstimator() {
        return new ArrivalRateEstimator(demand);
    }

    /** @return the hop-timing tracker */
    public HopTimingTracker hopTimingTracker() {
        return new HopTimingTracker(new RobustMeanEstimator(timingWindowSamples, 5, timingClipSigmas),
                new TokenRegression(timingWindowSamples, timingClipSigmas), serverEmission, timingMinSamples);
    }

    /** @return the server estimator */
    public ServerEstimator serverEstimator() {
        return new ServerEstimator(memoryReserveBytes, downAfterMillis, timingMinSamples, serverEmission, timingPrior);
    }

    /** @return whether a GPU metrics topic is read */
    public boolean readsGpuMetrics() {
        return !gpuMetricsTopic.isEmpty();
    }

    private static void requireNonNegative(long v, String name) {
        if (v < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, was " + v);
        }
    }

    private static void requirePositive(long v, String name) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, was " + v);
        }
    }
}
