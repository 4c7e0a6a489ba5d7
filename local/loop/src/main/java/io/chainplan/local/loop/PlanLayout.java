package io.chainplan.local.loop;

import io.chainplan.schemas.avro.BlockAssignment;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.PlanChain;
import io.chainplan.schemas.avro.PlanChange;
import io.chainplan.schemas.avro.PlanHop;
import io.chainplan.schemas.avro.PlanStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A plan's placement and chains as text for the summary of {@code chainplan local}: each server's
 * block range and cache slots, and each chain's hops, capacity and service time, chains numbered from 1
 * fastest first as {@code chainplan solve} prints them. A plan that kept its predecessor's placement
 * says so instead of repeating it.
 * <p>Pure and stateless.
 */
final class PlanLayout {
    /** The legend printed above the layouts, one line per symbol. */
    static final List<String> LEGEND = List.of(
            "  server [a,b): the server hosts blocks a..b-1; slots: KV-cache slots left on it (one slot = one request on"
                    + " one block)",
            "  chain #k: hops server[a,b) in order, fastest chain first; cap: requests it serves at once;"
                    + " T: its service time per request");

    private PlanLayout() {
    }

    /**
     * @param plan     the plan
     * @param previous the plan in force before it, if any
     * @return the lines, indented, without line breaks
     */
    static List<String> lines(ChainPlan plan, Optional<ChainPlan> previous) {
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "  plan %d (%s):", plan.getEpoch(), plan.getStatus()));
        if (plan.getPlacements().isEmpty()) {
            out.add("    no placement" + (plan.getReason() == null ? "" : ": " + plan.getReason()));
            return out;
        }
        Optional<ChainPlan> same = previous.filter(p -> p.getPlacements().equals(plan.getPlacements()));
        if (same.isPresent()) {
            out.add(String.format(Locale.ROOT, "    placement kept from plan %d (no block moved)", same.get().getEpoch()));
        } else {
            out.add("    placement " + plan.getPlacements().stream().map(PlanLayout::placement)
                    .collect(Collectors.joining(", ")));
            previous.ifPresent(p -> out.add("    changed from plan " + p.getEpoch() + ": " + changes(p, plan)
                    + (plan.getReplaces() == null ? "" : "; " + moved(plan.getReplaces()))));
        }
        if (plan.getStatus() == PlanStatus.OK || !plan.getChains().isEmpty()) {
            List<PlanChain> chains = plan.getChains();
            for (int k = 0; k < chains.size(); k++) {
                out.add(String.format(Locale.ROOT, "    chain #%d %s  cap %d  T %.3f s", k + 1, hops(chains.get(k)),
                        chains.get(k).getCapacity(), chains.get(k).getServiceSeconds()));
            }
        }
        return out;
    }

    /**
     * @param change a plan's summary of what it moved
     * @return e.g. "80 blocks moved to 4 servers (136.9 GB loaded)"
     */
    static String moved(PlanChange change) {
        return String.format(Locale.ROOT, "%d blocks moved to %d servers (%.1f GB loaded)", change.getBlocksMoved(),
                change.getServersMoved(), change.getBytesMoved() / 1e9);
    }

    /** Each server whose range differs, e.g. {@code a100-40g-1 - -> [0,20)}; a server without blocks is "-". */
    private static String changes(ChainPlan before, ChainPlan after) {
        Map<String, String> was = ranges(before);
        Map<String, String> now = ranges(after);
        SortedSet<String> ids = new TreeSet<>(was.keySet());
        ids.addAll(now.keySet());
        List<String> out = new ArrayList<>();
        for (String id : ids) {
            String a = was.getOrDefault(id, "-");
            String b = now.getOrDefault(id, "-");
            if (!a.equals(b)) {
                out.add(id + " " + a + " -> " + b);
            }
        }
        return out.isEmpty() ? "cache slots only" : String.join(", ", out);
    }

    private static Map<String, String> ranges(ChainPlan plan) {
        Map<String, String> m = new TreeMap<>();
        for (BlockAssignment a : plan.getPlacements()) {
            if (a.getEndBlock() > a.getStartBlock()) {
                m.put(a.getServerId(), "[" + a.getStartBlock() + "," + a.getEndBlock() + ")");
            }
        }
        return m;
    }

    private static String placement(BlockAssignment a) {
        return String.format(Locale.ROOT, "%s [%d,%d) %d slots", a.getServerId(), a.getStartBlock(), a.getEndBlock(),
                a.getCacheSlots());
    }

    private static String hops(PlanChain chain) {
        return chain.getHops().stream().map(PlanLayout::hop).collect(Collectors.joining(" -> "));
    }

    private static String hop(PlanHop h) {
        return String.format(Locale.ROOT, "%s[%d,%d)", h.getServerId(), h.getStartBlock(), h.getEndBlock());
    }
}
