package io.chainplan.ingest.topology;

import io.chainplan.schemas.avro.HopTiming;
import io.chainplan.schemas.avro.RequestEvent;
import java.util.List;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Validates {@code RequestEvent}s: key equals model id; the model is known (declared on the
 * models topic); event time not negative nor too far in the future; token counts not negative;
 * wait and response times, when present, finite and not negative; every hop names a server,
 * covers {@code [start, end)} with {@code 0 <= start < end <= L}, and has finite non-negative
 * compute and network seconds.
 */
final class RequestValidator extends ValidatingProcessor<RequestEvent, RequestEvent> {
    private final String modelStoreName;
    private final long maxFutureSkewMillis;
    private KeyValueStore<String, Integer> models;

    RequestValidator(String topic, IngestMetrics metrics, String modelStoreName, long maxFutureSkewMillis) {
        super(topic, metrics);
        this.modelStoreName = modelStoreName;
        this.maxFutureSkewMillis = maxFutureSkewMillis;
    }

    @Override
    public void init(ProcessorContext<String, Checked<RequestEvent>> context) {
        super.init(context);
        models = context.getStateStore(modelStoreName);
    }

    @Override
    Outcome<RequestEvent> check(RequestEvent e, String key, long nowMillis) {
        String model = e.getModelId();
        if (model == null || model.isEmpty()) {
            return Outcome.invalid("modelId must not be empty");
        }
        if (!model.equals(key)) {
            return Outcome.invalid("record key \"" + key + "\" must equal modelId \"" + model + "\"");
        }
        Integer blocks = models.get(model);
        if (blocks == null) {
            return Outcome.invalid("unknown model \"" + model + "\" (not on the models topic)");
        }
        String problem = firstProblem(e, blocks, nowMillis);
        return problem == null ? Outcome.valid(model, e) : Outcome.invalid(problem);
    }

    private String firstProblem(RequestEvent e, int blocks, long nowMillis) {
        String p = timeProblem(e.getTimestampMillis().toEpochMilli(), nowMillis, maxFutureSkewMillis);
        if (p == null && (e.getInputTokens() < 0 || e.getOutputTokens() < 0)) {
            p = "token counts must be >= 0, were input " + e.getInputTokens() + ", output " + e.getOutputTokens();
        }
        if (p == null && e.getWaitSeconds() != null) {
            p = secondsProblem(e.getWaitSeconds(), "waitSeconds");
        }
        if (p == null && e.getResponseSeconds() != null) {
            p = secondsProblem(e.getResponseSeconds(), "responseSeconds");
        }
        return p == null ? hopsProblem(e.getHops(), blocks) : p;
    }

    private static String hopsProblem(List<HopTiming> hops, int blocks) {
        for (int i = 0; i < hops.size(); i++) {
            HopTiming h = hops.get(i);
            String where = "hop " + i + " (" + h.getServerId() + ")";
            if (h.getServerId() == null || h.getServerId().isEmpty()) {
                return "hop " + i + ": serverId must not be empty";
            }
            if (h.getStartBlock() < 0 || h.getEndBlock() <= h.getStartBlock() || h.getEndBlock() > blocks) {
                return where + ": blocks [" + h.getStartBlock() + ", " + h.getEndBlock() + ") must satisfy 0 <= start < end <= "
                        + blocks;
            }
            String p = secondsProblem(h.getComputeSeconds(), where + ": computeSeconds");
            p = p != null ? p : secondsProblem(h.getNetworkSeconds(), where + ": networkSeconds");
            if (p != null) {
                return p;
            }
        }
        return null;
    }
}
