package io.chainplan.ingest.topology;

import io.chainplan.schemas.avro.HopTiming;
import io.chainplan.schemas.avro.RequestEvent;
import java.util.List;

/**
 * The validation rules of {@code RequestEvent}s: key equals model id; the model is known
 * (declared on the models topic); event time not negative nor too far in the future; token
 * counts not negative; wait and response times, when present, finite and not negative; every hop
 * names a server, covers {@code [start, end)} with {@code 0 <= start < end <= L}, and has finite
 * non-negative compute and network seconds.
 */
final class RequestRules {
    private RequestRules() {
    }

    /**
     * @param e                   the event
     * @param key                 record key as text, or null
     * @param blocks              L of the event's model, or null if the model is unknown
     * @param nowMillis           wall clock
     * @param maxFutureSkewMillis tolerance for future event times
     * @return the first broken rule, or null if the event is valid
     */
    static String problem(RequestEvent e, String key, Integer blocks, long nowMillis, long maxFutureSkewMillis) {
        String model = e.getModelId();
        if (model == null || model.isEmpty()) {
            return "modelId must not be empty";
        }
        if (!model.equals(key)) {
            return "record key \"" + key + "\" must equal modelId \"" + model + "\"";
        }
        if (blocks == null) {
            return "unknown model \"" + model + "\" (not on the models topic)";
        }
        String p = ValidatingProcessor.timeProblem(e.getTimestampMillis().toEpochMilli(), nowMillis, maxFutureSkewMillis);
        if (p == null && (e.getInputTokens() < 0 || e.getOutputTokens() < 0)) {
            p = "token counts must be >= 0, were input " + e.getInputTokens() + ", output " + e.getOutputTokens();
        }
        if (p == null && e.getWaitSeconds() != null) {
            p = ValidatingProcessor.secondsProblem(e.getWaitSeconds(), "waitSeconds");
        }
        if (p == null && e.getResponseSeconds() != null) {
            p = ValidatingProcessor.secondsProblem(e.getResponseSeconds(), "responseSeconds");
        }
        return p == null ? hopsProblem(e.getHops(), blocks) : p;
    }

    private static String hopsProblem(List<HopTiming> hops, int blocks) {
        for (int i = 0; i < hops.size(); i++) {
            HopTiming h = hops.get(i);
            if (h.getServerId() == null || h.getServerId().isEmpty()) {
                return "hop " + i + ": serverId must not be empty";
            }
            if (h.getStartBlock() < 0 || h.getEndBlock() <= h.getStartBlock() || h.getEndBlock() > blocks) {
                return "hop " + i + " (" + h.getServerId() + "): blocks [" + h.getStartBlock() + ", " + h.getEndBlock()
                        + ") must satisfy 0 <= start < end <= " + blocks;
            }
            if (!validSeconds(h.getComputeSeconds())) {
                return ValidatingProcessor.secondsProblem(h.getComputeSeconds(), "hop " + i + " (" + h.getServerId() + "): computeSeconds");
            }
            if (!validSeconds(h.getNetworkSeconds())) {
                return ValidatingProcessor.secondsProblem(h.getNetworkSeconds(), "hop " + i + " (" + h.getServerId() + "): networkSeconds");
            }
        }
        return null;
    }

    private static boolean validSeconds(double s) {
        return s >= 0 && Double.isFinite(s);
    }
}
