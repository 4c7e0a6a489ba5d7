package io.chainplan.schemas.validate;

import io.chainplan.schemas.avro.DemandEstimate;
import io.chainplan.schemas.avro.HopTiming;
import io.chainplan.schemas.avro.IndexOfDispersion;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.avro.RequestEvent;
import io.chainplan.schemas.avro.ServerEstimate;
import io.chainplan.schemas.avro.ServerTelemetry;
import io.chainplan.schemas.avro.TokenTimingEstimate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The one validation of each record kind a chainplan service reads (STYLE.md §6), shared by
 * telemetry-ingest, the optimizer and the CLI, so a record one of them accepts is accepted by every
 * other and the rejection reads the same everywhere. A record that fails is dead-lettered (or
 * skipped, or fails the service, by its input's failure mode) with the returned reason and never
 * reaches an estimator or the solver. Each method returns the first problem, naming the field, its
 * owner and the value, or empty; the numeric limits are {@link InputLimits}'.
 * <p>Pure and thread-safe.
 */
public final class RecordChecks {
    private RecordChecks() {
    }

    /**
     * A model spec ({@code chainplan.models}): id present and equal to the key; {@code 1 <= L <= 1024};
     * {@code s_m} and {@code s_c} at least a byte, and a block with one request's cache of it within
     * 16 TiB; a context of {@code 1 .. 2^24} tokens; mean token counts within it; a write time not
     * before the epoch; a declared rate, when given, above 0 and at most the arrival-rate limit.
     *
     * @param key  the record key (must be the model id), or null
     * @param spec the spec
     * @return the problem, if any
     */
    public static Optional<String> modelSpec(String key, ModelSpec spec) {
        String id = spec.getId();
        String of = " of model " + id;
        return first(
                () -> InputLimits.nonBlank("id", id),
                () -> keyMatches(key, "id", id),
                () -> InputLimits.blocks("blocks" + of, spec.getBlocks()),
                () -> InputLimits.memoryBytes("blockBytes" + of, spec.getBlockBytes(), 1),
                () -> InputLimits.memoryBytes("cacheBytesPerBlockPerJob" + of, spec.getCacheBytesPerBlockPerJob(), 1),
                () -> InputLimits.memoryBytes("blockBytes + cacheBytesPerBlockPerJob" + of + " (one block with one"
                        + " request's cache must fit on a server)", spec.getBlockBytes() + spec.getCacheBytesPerBlockPerJob(), 2),
                () -> InputLimits.contextTokens("contextTokens" + of, spec.getContextTokens()),
                () -> InputLimits.tokens("meanInputTokens" + of, spec.getMeanInputTokens(), spec.getContextTokens()),
                () -> InputLimits.tokens("meanOutputTokens" + of, spec.getMeanOutputTokens(), spec.getContextTokens()),
                () -> InputLimits.epochMillis("updatedAtMillis" + of, spec.getUpdatedAtMillis().toEpochMilli()),
                () -> declaredRate("declaredRatePerSecond" + of, spec.getDeclaredRatePerSecond()));
    }

    /** A declared rate is optional; when given it is a rate above 0 (a plan for no traffic helps nobody). */
    private static Optional<String> declaredRate(String name, Double ratePerSecond) {
        if (ratePerSecond == null) {
            return Optional.empty();
        }
        return InputLimits.arrivalRate(name, ratePerSecond)
                .or(() -> ratePerSecond > 0 ? Optional.empty() : Optional.of(name + " must be above 0 requests per second"
                        + " (leave it out to wait for the first demand estimate), was " + ratePerSecond));
    }

    /**
     * A server's telemetry ({@code chainplan.telemetry}): server id present and equal to the key; a model
     * id, when present, not empty; event time not negative nor more than the skew ahead; total memory of
     * {@code 1 B .. 16 TiB}; used memory within it; declared timings, when present, finite, within a day,
     * and the per-block compute time above 0 (it is the solver's {@code tau_p}).
     *
     * @param key                 the record key (must be the server id), or null
     * @param t                   the report
     * @param nowMillis           wall clock
     * @param maxFutureSkewMillis tolerance for event times ahead of the wall clock
     * @return the problem, if any
     */
    public static Optional<String> serverTelemetry(String key, ServerTelemetry t, long nowMillis,
                                                   long maxFutureSkewMillis) {
        String server = t.getServerId();
        String of = " of server " + server;
        Long used = t.getUsedMemoryBytes();
        Double comm = t.getDeclaredCommSeconds();
        Double compute = t.getDeclaredPerBlockComputeSeconds();
        return first(
                () -> InputLimits.nonBlank("serverId", server),
                () -> keyMatches(key, "serverId", server),
                () -> t.getModelId() != null ? InputLimits.nonBlank("modelId" + of, t.getModelId()) : Optional.empty(),
                () -> InputLimits.eventTime(t.getTimestampMillis().toEpochMilli(), nowMillis, maxFutureSkewMillis),
                () -> InputLimits.memoryBytes("totalMemoryBytes" + of, t.getTotalMemoryBytes(), 1),
                () -> used == null || (used >= 0 && used <= t.getTotalMemoryBytes()) ? Optional.empty()
                        : Optional.of("usedMemoryBytes" + of + " must be in [0, totalMemoryBytes = "
                                + t.getTotalMemoryBytes() + "], was " + used),
                () -> comm == null ? Optional.empty() : InputLimits.seconds("declaredCommSeconds" + of, comm),
                () -> compute == null ? Optional.empty()
                        : InputLimits.positiveSeconds("declaredPerBlockComputeSeconds" + of, compute));
    }

    /**
     * A request event ({@code chainplan.requests}): request and model id present, the model id equal to
     * the key and known; event time not negative nor more than the skew ahead; token counts at least 0 and
     * together at most {@link InputLimits#MAX_CONTEXT_TOKENS} (not the model's {@code contextTokens}: a spec
     * that leaves it at its Avro default of 2048 would turn a fleet's good long requests into dead
     * letters); wait and response times, when present, finite and within a
     * day; at most {@code L} hops, each naming a server, covering {@code [start, end)} with
     * {@code 0 <= start < end <= L}, with compute time in {@code (0, 1 day]} and network time in
     * {@code [0, 1 day]}. (Whether a hop's server belongs to the fleet is not the event's fault: a
     * hop of a server that has not reported yet is skipped, not the event.)
     *
     * @param key                 the record key (must be the model id), or null
     * @param e                   the event
     * @param model               the bounds of its model, or null if the model is unknown
     * @param nowMillis           wall clock
     * @param maxFutureSkewMillis tolerance for event times ahead of the wall clock
     * @return the problem, if any
     */
    public static Optional<String> requestEvent(String key, RequestEvent e, ModelBounds model, long nowMillis,
                                                long maxFutureSkewMillis) {
        // the hot path of the ingest: nothing is allocated unless the event is invalid
        String modelId = e.getModelId();
        if (modelId == null || modelId.isBlank()) {
            return InputLimits.nonBlank("modelId", modelId);
        }
        if (!modelId.equals(key)) {
            return keyMatches(key, "modelId", modelId);
        }
        if (model == null) {
            return Optional.of("unknown model \"" + modelId + "\" (not on the models topic)");
        }
        if (e.getRequestId() == null || e.getRequestId().isBlank()) {
            return InputLimits.nonBlank("requestId", e.getRequestId());
        }
        long t = e.getTimestampMillis().toEpochMilli();
        if (t < 0 || t - nowMillis > maxFutureSkewMillis) {
            return InputLimits.eventTime(t, nowMillis, maxFutureSkewMillis);
        }
        int in = e.getInputTokens();
        int out = e.getOutputTokens();
        if (in < 0 || out < 0) {
            return Optional.of("token counts" + of(e) + " must be >= 0, were input " + in + ", output " + out);
        }
        if ((long) in + out > InputLimits.MAX_CONTEXT_TOKENS) {
            return Optional.of("inputTokens + outputTokens" + of(e) + " must be at most " + InputLimits.MAX_CONTEXT_TOKENS
                    + " tokens (the longest context), were " + in + " + " + out);
        }
        Double wait = e.getWaitSeconds();
        if (wait != null && !withinDay(wait)) {
            return InputLimits.seconds("waitSeconds" + of(e), wait);
        }
        Double response = e.getResponseSeconds();
        if (response != null && !withinDay(response)) {
            return InputLimits.seconds("responseSeconds" + of(e), response);
        }
        return hops(e, model.blocks());
    }

    private static Optional<String> hops(RequestEvent e, int blocks) {
        List<HopTiming> hops = e.getHops();
        if (hops.size() > blocks) {
            return Optional.of("hops" + of(e) + ": at most " + blocks + " (one per block), were " + hops.size());
        }
        for (int i = 0; i < hops.size(); i++) {
            HopTiming h = hops.get(i);
            String server = h.getServerId();
            if (server == null || server.isBlank()) {
                return InputLimits.nonBlank(hop(e, i) + ": serverId", server);
            }
            if (h.getStartBlock() < 0 || h.getEndBlock() <= h.getStartBlock() || h.getEndBlock() > blocks) {
                return Optional.of(hop(e, i) + " (" + server + "): blocks [" + h.getStartBlock() + ", " + h.getEndBlock()
                        + ") must satisfy 0 <= start < end <= " + blocks);
            }
            if (!(h.getComputeSeconds() > 0) || !withinDay(h.getComputeSeconds())) {
                return InputLimits.positiveSeconds(hop(e, i) + " (" + server + "): computeSeconds", h.getComputeSeconds());
            }
            if (!withinDay(h.getNetworkSeconds())) {
                return InputLimits.seconds(hop(e, i) + " (" + server + "): networkSeconds", h.getNetworkSeconds());
            }
        }
        return Optional.empty();
    }

    private static boolean withinDay(double seconds) {
        return seconds >= 0 && seconds <= InputLimits.MAX_SECONDS;
    }

    private static String of(RequestEvent e) {
        return " of request " + e.getRequestId();
    }

    private static String hop(RequestEvent e, int i) {
        return "hop " + i + of(e);
    }

    /**
     * A server estimate ({@code chainplan.server-estimates}): server id present and equal to the key; a
     * model id, when present, not empty; times not negative; usable memory within {@code [0, 16 TiB]};
     * {@code tau_c} finite within a day, {@code tau_p} above 0 and within a day; sample counts at least 0;
     * the per-token coefficients, when present, finite and at least 0 (seconds within a day).
     *
     * @param key the record key (must be the server id), or null
     * @param e   the estimate
     * @return the problem, if any
     */
    public static Optional<String> serverEstimate(String key, ServerEstimate e) {
        String server = e.getServerId();
        String of = " of server " + server;
        return first(
                () -> InputLimits.nonBlank("serverId", server),
                () -> keyMatches(key, "serverId", server),
                () -> e.getModelId() != null ? InputLimits.nonBlank("modelId" + of, e.getModelId()) : Optional.empty(),
                () -> InputLimits.epochMillis("timestampMillis" + of, e.getTimestampMillis().toEpochMilli()),
                () -> InputLimits.memoryBytes("memoryBytes" + of, e.getMemoryBytes(), 0),
                () -> InputLimits.seconds("commSeconds" + of, e.getCommSeconds()),
                () -> InputLimits.positiveSeconds("perBlockComputeSeconds" + of, e.getPerBlockComputeSeconds()),
                () -> InputLimits.nonNegative("commSamples" + of, e.getCommSamples()),
                () -> InputLimits.nonNegative("computeSamples" + of, e.getComputeSamples()),
                () -> e.getTokenTimings() == null ? Optional.empty() : tokenTimings(e.getTokenTimings(), of));
    }

    private static Optional<String> tokenTimings(TokenTimingEstimate t, String of) {
        String f = "tokenTimings.";
        return first(
                () -> InputLimits.seconds(f + "blockOverheadSeconds" + of, t.getBlockOverheadSeconds()),
                () -> InputLimits.seconds(f + "prefillSecondsPerToken" + of, t.getPrefillSecondsPerToken()),
                () -> InputLimits.seconds(f + "decodeSecondsPerToken" + of, t.getDecodeSecondsPerToken()),
                () -> InputLimits.seconds(f + "commSecondsPerRequest" + of, t.getCommSecondsPerRequest()),
                () -> InputLimits.seconds(f + "commSecondsPerToken" + of, t.getCommSecondsPerToken()),
                () -> InputLimits.nonNegative(f + "blockOverheadStdErr" + of, t.getBlockOverheadStdErr()),
                () -> InputLimits.nonNegative(f + "prefillPerTokenStdErr" + of, t.getPrefillPerTokenStdErr()),
                () -> InputLimits.nonNegative(f + "decodePerTokenStdErr" + of, t.getDecodePerTokenStdErr()),
                () -> InputLimits.nonNegative(f + "commPerRequestStdErr" + of, t.getCommPerRequestStdErr()),
                () -> InputLimits.nonNegative(f + "commPerTokenStdErr" + of, t.getCommPerTokenStdErr()),
                () -> InputLimits.nonNegative(f + "computeSamples" + of, t.getComputeSamples()),
                () -> InputLimits.nonNegative(f + "commSamples" + of, t.getCommSamples()),
                () -> InputLimits.nonNegative(f + "referenceInputTokens" + of, t.getReferenceInputTokens()),
                () -> InputLimits.nonNegative(f + "referenceOutputTokens" + of, t.getReferenceOutputTokens()));
    }

    /**
     * A demand estimate ({@code chainplan.demand-estimates}): model id equal to the key; time not negative;
     * the rate finite within {@code [0, 10^6]} requests per second, its interval finite, at least 0 and
     * ordered; the window in {@code (0, 1 day]}; counts at least 0; mean token counts finite and at least 0;
     * the burstiness span and peak rate finite and at least 0; each index of dispersion with a window in
     * {@code (0, 1 day]}, a finite index at least 0, and at least 2 windows.
     *
     * @param key the record key (must be the model id), or null
     * @param e   the estimate
     * @return the problem, if any
     */
    public static Optional<String> demandEstimate(String key, DemandEstimate e) {
        String of = " of model " + e.getModelId();
        return first(
                () -> InputLimits.nonBlank("modelId", e.getModelId()),
                () -> keyMatches(key, "modelId", e.getModelId()),
                () -> InputLimits.epochMillis("timestampMillis" + of, e.getTimestampMillis().toEpochMilli()),
                () -> InputLimits.arrivalRate("arrivalRatePerSecond" + of, e.getArrivalRatePerSecond()),
                () -> InputLimits.nonNegative("lowerPerSecond" + of, e.getLowerPerSecond()),
                () -> InputLimits.nonNegative("upperPerSecond" + of, e.getUpperPerSecond()),
                () -> e.getLowerPerSecond() <= e.getUpperPerSecond() ? Optional.empty()
                        : Optional.of(String.format(Locale.ROOT, "lowerPerSecond %s > upperPerSecond %s%s",
                                e.getLowerPerSecond(), e.getUpperPerSecond(), of)),
                () -> InputLimits.positiveSeconds("windowSeconds" + of, e.getWindowSeconds()),
                () -> InputLimits.nonNegative("arrivals" + of, e.getArrivals()),
                () -> InputLimits.nonNegative("meanInputTokens" + of, e.getMeanInputTokens()),
                () -> InputLimits.nonNegative("meanOutputTokens" + of, e.getMeanOutputTokens()),
                () -> InputLimits.nonNegative("inputTokensStandardError" + of, e.getInputTokensStandardError()),
                () -> InputLimits.nonNegative("outputTokensStandardError" + of, e.getOutputTokensStandardError()),
                () -> InputLimits.nonNegative("burstinessArrivals" + of, e.getBurstinessArrivals()),
                () -> InputLimits.nonNegative("burstinessSeconds" + of, e.getBurstinessSeconds()),
                () -> InputLimits.nonNegative("peakRatePerSecond" + of, e.getPeakRatePerSecond()),
                () -> dispersions(e.getDispersions(), of));
    }

    private static Optional<String> dispersions(List<IndexOfDispersion> dispersions, String of) {
        for (int i = 0; i < dispersions.size(); i++) {
            IndexOfDispersion d = dispersions.get(i);
            String field = "dispersions[" + i + "]";
            Optional<String> bad = InputLimits.positiveSeconds(field + ".windowSeconds" + of, d.getWindowSeconds())
                    .or(() -> InputLimits.nonNegative(field + ".index" + of, d.getIndex()))
                    .or(() -> d.getWindows() >= 2 ? Optional.empty()
                            : Optional.of(field + ".windows" + of + " must be >= 2, was " + d.getWindows()));
            if (bad.isPresent()) {
                return bad;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> keyMatches(String key, String field, String value) {
        return value.equals(key) ? Optional.empty()
                : Optional.of("record key \"" + key + "\" must equal " + field + " \"" + value + "\"");
    }

    @SafeVarargs
    private static Optional<String> first(Supplier<Optional<String>>... checks) {
        return Stream.of(checks).map(Supplier::get).flatMap(Optional::stream).findFirst();
    }
}
