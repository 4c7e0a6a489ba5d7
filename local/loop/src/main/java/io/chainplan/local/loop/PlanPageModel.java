package io.chainplan.local.loop;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chainplan.schemas.avro.BlockAssignment;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.PlanChain;
import io.chainplan.schemas.avro.PlanHop;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * What the live plan page ({@link PlanPage}) shows, as one JSON document read from a run's
 * {@link RunRecorder}: the plan in force (blocks per server with their cache slots; chains with capacity,
 * service time and utilisation), the plan history with each trigger and what it moved, the estimated vs
 * the true arrival rate, and the recent mean response time against the plan's Theorem-4 bounds.
 * <p>A chain's utilisation is its mean number in service over its capacity, by Little's law the rate of
 * the requests it served in the last {@value #WINDOW_SECONDS} s times its service time {@code T_k}, over
 * {@code c_k}. Thread-safe (the recorder is).
 * <p>{@link #forPlans} is the same document from a plans topic alone ({@code chainplan audit serve}): the plans
 * and their history, without the rates, response times and utilisation only a run measures.
 */
public final class PlanPageModel {
    /** Simulated seconds of completions a chain's utilisation is measured over. */
    static final double WINDOW_SECONDS = 60;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RunRecorder recorder;
    private final LoadSource load;
    private final DoubleSupplier now;
    private final String modelId;

    /**
     * @param modelId  the model served
     * @param recorder the run's recorder
     * @param load     the arrivals, for the true rate
     * @param now      the run's simulated time, seconds
     */
    public PlanPageModel(String modelId, RunRecorder recorder, LoadSource load, DoubleSupplier now) {
        this.modelId = modelId;
        this.recorder = recorder;
        this.load = load;
        this.now = now;
    }

    /**
     * The page's document from plans alone: the newest is the plan in force; estimate, true rate, recent
     * response time and utilisation are null.
     *
     * @param modelId the model
     * @param plans   its plans in epoch order, each with its time in seconds (any origin)
     * @return the document
     */
    public static String forPlans(String modelId, List<RunRecorder.ObservedPlan> plans) {
        ObjectNode root = JSON.createObjectNode();
        root.put("model", modelId);
        root.put("timeSeconds", plans.isEmpty() ? 0 : plans.get(plans.size() - 1).receivedSeconds());
        root.putNull("trueRatePerSecond");
        root.putNull("estimate");
        root.putNull("recentResponseSeconds");
        root.putNull("completed");
        root.set("plan", plans.isEmpty() ? null : plan(plans.get(plans.size() - 1).plan(), null));
        history(root.putArray("history"), plans);
        return root.toString();
    }

    /** @return the page's document, e.g. {@code {"model":..., "plan":{...}, "history":[...]}} */
    public String json() {
        double t = now.getAsDouble();
        ObjectNode root = JSON.createObjectNode();
        root.put("model", modelId);
        root.put("timeSeconds", t);
        root.put("trueRatePerSecond", load.trueRatePerSecond(t));
        recorder.latestDemand().ifPresentOrElse(d -> root.putObject("estimate").put("ratePerSecond", d.rate())
                .put("lowerPerSecond", d.lower()).put("upperPerSecond", d.upper()), () -> root.putNull("estimate"));
        double rt = recorder.recentMeanResponseSeconds();
        if (Double.isNaN(rt)) {
            root.putNull("recentResponseSeconds");
        } else {
            root.put("recentResponseSeconds", rt);
        }
        root.put("completed", recorder.completedCount());
        List<RunRecorder.ObservedPlan> plans = recorder.plans();
        if (plans.isEmpty()) {
            root.putNull("plan");
        } else {
            ChainPlan c = plans.get(plans.size() - 1).plan();
            root.set("plan", plan(c, servedRecently(c.getEpoch(), c.getChains().size(), t)));
        }
        history(root.putArray("history"), plans);
        return root.toString();
    }

    private static void history(ArrayNode history, List<RunRecorder.ObservedPlan> plans) {
        for (RunRecorder.ObservedPlan p : plans) {
            ChainPlan c = p.plan();
            ObjectNode h = history.addObject().put("epoch", c.getEpoch()).put("atSeconds", p.receivedSeconds())
                    .put("trigger", c.getTrigger().getKind().toString()).put("detail", c.getTrigger().getDetail())
                    .put("status", c.getStatus().toString()).put("arrivalRatePerSecond", c.getArrivalRate());
            if (c.getReplaces() != null) {
                h.put("blocksMoved", c.getReplaces().getBlocksMoved()).put("serversMoved", c.getReplaces().getServersMoved())
                        .put("bytesMoved", c.getReplaces().getBytesMoved());
            }
        }
    }

    /** The plan in force; {@code served}: completions per chain in the last window, null if not measured. */
    private static ObjectNode plan(ChainPlan c, int[] served) {
        ObjectNode p = JSON.createObjectNode().put("epoch", c.getEpoch()).put("status", c.getStatus().toString())
                .put("trigger", c.getTrigger().getKind().toString()).put("c", c.getC())
                .put("arrivalRatePerSecond", c.getArrivalRate())
                .put("totalServiceRatePerSecond", c.getTotalServiceRatePerSecond());
        if (c.getBounds() != null) {
            p.putObject("bounds").put("lowerSeconds", c.getBounds().getLowerSeconds())
                    .put("upperSeconds", c.getBounds().getUpperSeconds());
        }
        ArrayNode placements = p.putArray("placements");
        for (BlockAssignment a : c.getPlacements()) {
            placements.addObject().put("serverId", a.getServerId()).put("startBlock", a.getStartBlock())
                    .put("endBlock", a.getEndBlock()).put("cacheSlots", a.getCacheSlots());
        }
        ArrayNode chains = p.putArray("chains");
        for (int k = 0; k < c.getChains().size(); k++) {
            PlanChain ch = c.getChains().get(k);
            ObjectNode o = chains.addObject().put("chain", k + 1).put("capacity", ch.getCapacity())
                    .put("serviceSeconds", ch.getServiceSeconds());
            if (served == null) {
                o.putNull("utilisation");
            } else {
                o.put("utilisation", served[k] / WINDOW_SECONDS * ch.getServiceSeconds() / ch.getCapacity());
            }
            ArrayNode hops = o.putArray("hops");
            for (PlanHop h : ch.getHops()) {
                hops.addObject().put("serverId", h.getServerId()).put("startBlock", h.getStartBlock())
                        .put("endBlock", h.getEndBlock());
            }
        }
        return p;
    }

    /** Completions per chain of the plan, served by it and finished in the last window. */
    private int[] servedRecently(long epoch, int chains, double t) {
        int[] n = new int[chains];
        for (Completion c : recorder.completions()) {
            double done = c.arrivalSeconds() + c.responseSeconds();
            if (c.servedEpoch() == epoch && done > t - WINDOW_SECONDS && done <= t && c.chainIndex() >= 0
                    && c.chainIndex() < chains) {
                n[c.chainIndex()]++;
            }
        }
        return n;
    }
}
