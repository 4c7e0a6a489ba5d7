package io.chainplan.optimizer.service;

import io.chainplan.schemas.avro.DemandEstimate;
import io.chainplan.schemas.avro.IndexOfDispersion;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.avro.ServerEstimate;
import io.chainplan.schemas.avro.TokenTimingEstimate;
import java.util.Locale;
import java.util.Optional;

/**
 * Validates consumed records before they enter the view (STYLE.md §6): a record that fails is
 * dead-lettered with the returned reason and never reaches the solver. Each method returns the
 * first problem found, naming the field and value, or empty if the record is usable.
 */
public final class InputChecks {
    private InputChecks() {
    }

    /**
     * @param key  the record key (must be the model id)
     * @param spec the model spec
     * @return the problem, if any
     */
    public static Optional<String> modelSpec(String key, ModelSpec spec) {
        if (spec.getId() == null || spec.getId().isBlank()) {
            return Optional.of("model id is blank");
        }
        if (!spec.getId().equals(key)) {
            return Optional.of("key " + key + " differs from model id " + spec.getId());
        }
        if (spec.getBlocks() < 1) {
            return Optional.of("blocks must be >= 1, was " + spec.getBlocks());
        }
        if (spec.getBlockBytes() < 1) {
            return Optional.of("blockBytes must be >= 1, was " + spec.getBlockBytes());
        }
        if (spec.getCacheBytesPerBlockPerJob() < 1) {
            return Optional.of("cacheBytesPerBlockPerJob must be >= 1, was " + spec.getCacheBytesPerBlockPerJob());
        }
        return Optional.empty();
    }

    /**
     * @param key the record key (must be the server id)
     * @param e   the estimate
     * @return the problem, if any
     */
    public static Optional<String> serverEstimate(String key, ServerEstimate e) {
        if (e.getServerId() == null || e.getServerId().isBlank()) {
            return Optional.of("server id is blank");
        }
        if (!e.getServerId().equals(key)) {
            return Optional.of("key " + key + " differs from server id " + e.getServerId());
        }
        if (e.getModelId() != null && e.getModelId().isBlank()) {
            return Optional.of("modelId of server " + key + " is blank");
        }
        if (e.getMemoryBytes() < 0) {
            return Optional.of("memoryBytes of server " + key + " must be >= 0, was " + e.getMemoryBytes());
        }
        return nonNegative("commSeconds of server " + key, e.getCommSeconds())
                .or(() -> positive("perBlockComputeSeconds of server " + key, e.getPerBlockComputeSeconds()))
                .or(() -> tokenTimings(key, e.getTokenTimings()));
    }

    private static Optional<String> tokenTimings(String key, TokenTimingEstimate t) {
        if (t == null) {
            return Optional.empty();
        }
        String where = " of server " + key;
        return nonNegative("tokenTimings.blockOverheadSeconds" + where, t.getBlockOverheadSeconds())
                .or(() -> nonNegative("tokenTimings.prefillSecondsPerToken" + where, t.getPrefillSecondsPerToken()))
                .or(() -> nonNegative("tokenTimings.decodeSecondsPerToken" + where, t.getDecodeSecondsPerToken()))
                .or(() -> nonNegative("tokenTimings.commSecondsPerRequest" + where, t.getCommSecondsPerRequest()))
                .or(() -> nonNegative("tokenTimings.commSecondsPerToken" + where, t.getCommSecondsPerToken()));
    }

    /**
     * @param key the record key (must be the model id)
     * @param e   the estimate
     * @return the problem, if any
     */
    public static Optional<String> demandEstimate(String key, DemandEstimate e) {
        if (e.getModelId() == null || !e.getModelId().equals(key)) {
            return Optional.of("key " + key + " differs from model id " + e.getModelId());
        }
        String where = " of model " + key;
        Optional<String> p = nonNegative("arrivalRatePerSecond" + where, e.getArrivalRatePerSecond())
                .or(() -> nonNegative("lowerPerSecond" + where, e.getLowerPerSecond()))
                .or(() -> nonNegative("upperPerSecond" + where, e.getUpperPerSecond()));
        if (p.isPresent()) {
            return p;
        }
        if (e.getLowerPerSecond() > e.getUpperPerSecond()) {
            return Optional.of(String.format(Locale.ROOT, "lowerPerSecond %s > upperPerSecond %s%s",
                    e.getLowerPerSecond(), e.getUpperPerSecond(), where));
        }
        if (e.getBurstinessArrivals() < 0) {
            return Optional.of("burstinessArrivals" + where + " must be >= 0, was " + e.getBurstinessArrivals());
        }
        for (int i = 0; i < e.getDispersions().size(); i++) {
            IndexOfDispersion d = e.getDispersions().get(i);
            String field = "dispersions[" + i + "]";
            Optional<String> bad = positive(field + ".windowSeconds" + where, d.getWindowSeconds())
                    .or(() -> nonNegative(field + ".index" + where, d.getIndex()));
            if (bad.isPresent()) {
                return bad;
            }
            if (d.getWindows() < 2) {
                return Optional.of(field + ".windows" + where + " must be >= 2, was " + d.getWindows());
            }
        }
        return Optional.empty();
    }

    private static Optional<String> nonNegative(String name, double v) {
        return Double.isFinite(v) && v >= 0 ? Optional.empty()
                : Optional.of(name + " must be a finite number >= 0, was " + v);
    }

    private static Optional<String> positive(String name, double v) {
        return Double.isFinite(v) && v > 0 ? Optional.empty()
                : Optional.of(name + " must be a finite number > 0, was " + v);
    }
}
