package io.chainplan.optimizer.baseline;

import static io.chainplan.optimizer.baseline.Fleets.TOY;
import static io.chainplan.optimizer.baseline.Fleets.fleet;
import static io.chainplan.optimizer.baseline.Fleets.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainplan.optimizer.model.BlockRange;
import io.chainplan.optimizer.model.Chain;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Hop;
import io.chainplan.optimizer.model.Placement;
import io.chainplan.optimizer.model.ServerPlacement;
import io.chainplan.optimizer.sim.ExponentialServiceModel;
import io.chainplan.optimizer.sim.PoissonArrivals;
import io.chainplan.optimizer.sim.RoutingModel;
import io.chainplan.optimizer.sim.SimContext;
import io.chainplan.optimizer.sim.SimulationConfig;
import io.chainplan.optimizer.sim.SimulationResult;
import io.chainplan.optimizer.sim.Simulator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PooledRoutingModelTest {
    private static final long SIM_SEED = 7L;
    private static final Fleet TWO = fleet(TOY, 0.1, server("f", 1000, 0.1, 0.1), server("s", 1000, 0.1, 0.5));

    @Test
    void shouldQueueOnTheServerThatLacksCacheAndStartTheHeadWhenSlotsFree() {
        Fleet one = fleet(TOY, 0.1, server("a", 1000, 0.1, 0.1));
        FakeContext ctx = new FakeContext();
        RoutingModel.RoutingRun run = model(one, placement(sp("a", 0, 6, 12)), HopCostRule.petals(10)).newRun(rnd());
        run.onArrival(ctx, 0);
        run.onArrival(ctx, 1);
        run.onArrival(ctx, 2);
        assertThat(ctx.started).containsExactly(0, 1);
        assertThat(((PoolView) run).queued(0)).isEqualTo(1);
        run.onDeparture(ctx, 1, 0);
        assertThat(ctx.started).containsExactly(0, 1, 2);
        assertThat(((PoolView) run).freeSlots(0)).isZero();
    }

    @Test
    void shouldSteerPetalsRequestsAwayFromAServerWithoutCacheByTheTenSecondPenalty() {
        FakeContext ctx = new FakeContext();
        // f: hop 0.1 + 6 * 0.1 = 0.7, pool for one request; s: 0.1 + 6 * 0.5 = 3.1, pool for two
        RoutingModel.RoutingRun run = model(TWO, placement(sp("f", 0, 6, 6), sp("s", 0, 6, 12)), HopCostRule.petals(10))
                .newRun(rnd());
        for (int r = 0; r < 4; r++) {
            run.onArrival(ctx, r);
        }
        assertThat(ctx.firstServer(0)).isEqualTo("f");
        assertThat(ctx.firstServer(1)).isEqualTo("s"); // f lacks cache: 10.7 > 3.1
        assertThat(ctx.firstServer(2)).isEqualTo("s");
        assertThat(ctx.started).containsExactly(0, 1, 2);
        assertThat(((PoolView) run).queued(0)).isEqualTo(1); // both lack: 10.7 < 13.1, waits on f
    }

    @Test
    void shouldMakeBprrWaitForAFastServerWhileTheExpectedWaitIsShort() {
        FakeContext ctx = new FakeContext();
        RoutingModel.RoutingRun run = model(TWO, placement(sp("f", 0, 6, 6), sp("s", 0, 6, 6)), HopCostRule.bprr())
                .newRun(rnd());
        for (int r = 0; r < 5; r++) {
            run.onArrival(ctx, r);
        }
        // r1: 0.7 + 1 * 0.7 = 1.4; r2: 0.7 + 2 * 0.7 = 2.1; r3: 2.8 (all < 3.1, wait on f); r4: 3.5 > 3.1 -> s
        assertThat(ctx.started).containsExactly(0, 4);
        assertThat(ctx.firstServer(4)).isEqualTo("s");
        assertThat(((PoolView) run).queued(0)).isEqualTo(3);
        run.onDeparture(ctx, 0, 0);
        assertThat(ctx.started).containsExactly(0, 4, 1);
    }

    @Test
    void shouldHoldCacheOnlyForTheBlocksEachHopProcesses() {
        Fleet f = fleet(TOY, 0.1, server("x", 1000, 0.1, 0.1), server("y", 1000, 0.1, 0.1));
        FakeContext ctx = new FakeContext();
        RoutingModel.RoutingRun run = model(f, placement(sp("x", 0, 4, 8), sp("y", 2, 6, 8)), HopCostRule.petals(10))
                .newRun(rnd());
        run.onArrival(ctx, 0);
        run.onArrival(ctx, 1);
        PoolView pools = (PoolView) run;
        // x processes [0,4), y processes [4,6): 4 and 2 slots per request
        assertThat(ctx.routes.get(0).hops()).extracting(Hop::blocks).containsExactly(4, 2);
        assertThat(pools.freeSlots(0)).isZero();
        assertThat(pools.freeSlots(1)).isEqualTo(4);
        run.onArrival(ctx, 2);
        assertThat(ctx.started).containsExactly(0, 1);
        run.onDeparture(ctx, 0, 0);
        assertThat(pools.freeSlots(0)).isZero();
        assertThat(pools.freeSlots(1)).isEqualTo(4);
        assertThat(ctx.started).containsExactly(0, 1, 2);
    }

    @Test
    void shouldRejectAPlacementWithoutACompleteChain() {
        assertThatThrownBy(() -> model(TWO, placement(sp("f", 0, 4, 8)), HopCostRule.bprr()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no chain");
    }

    @Test
    void shouldNeverExceedAServersMemoryAndServeEveryRequestOnRandomFleets() {
        for (long seed = 0; seed < 8; seed++) {
            Fleet f = Fleets.random(seed, 8);
            List<BaselinePlacement> placements = List.of(
                    new PetalsBlockPlacement().place(f, new SplittableRandom(seed)),
                    new PetalsBlockPlacement(2, CachePool.ALL_FREE_MEMORY).place(f, new SplittableRandom(seed)),
                    new BprrBlockPlacement().place(f));
            for (BaselinePlacement p : placements) {
                if (!p.coversAllBlocks()) {
                    continue;
                }
                HopCostRule rule = p.method().equals("petals") ? HopCostRule.petals(10) : HopCostRule.bprr();
                CheckingModel checked = new CheckingModel(f, p.placement(), model(f, p.placement(), rule));
                SimulationResult r = Simulator.run(SimulationConfig.of(2000, SIM_SEED + seed),
                        PoissonArrivals.atRate(20.0), new ExponentialServiceModel(), checked);
                assertThat(r.simulatedRequests()).isEqualTo(2000);
                assertThat(checked.maxUsedFraction).isLessThanOrEqualTo(1.0).isGreaterThan(0.0);
            }
        }
    }

    private static PooledRoutingModel model(Fleet f, Placement p, HopCostRule rule) {
        return new PooledRoutingModel(rule.name(), f, p, rule);
    }

    private static SplittableRandom rnd() {
        return new SplittableRandom(SIM_SEED);
    }

    private static ServerPlacement sp(String id, int start, int end, int slots) {
        return new ServerPlacement(id, new BlockRange(start, end), slots);
    }

    private static Placement placement(ServerPlacement... sps) {
        return new Placement(List.of(sps));
    }

    /** Records starts and routes; service time 1 s. */
    private static final class FakeContext implements SimContext {
        final List<Integer> started = new ArrayList<>();
        final Map<Integer, Chain> routes = new HashMap<>();

        @Override
        public double now() {
            return 0;
        }

        @Override
        public double sampleServiceSeconds(int request, Chain route) {
            routes.put(request, route);
            return 1.0;
        }

        @Override
        public void startService(int request, int route, double serviceSeconds) {
            started.add(request);
        }

        @Override
        public int inputTokens(int request) {
            return 2000;
        }

        @Override
        public int outputTokens(int request) {
            return 20;
        }

        String firstServer(int request) {
            return routes.get(request).hops().get(0).serverId();
        }
    }

    /**
     * Wraps a routing model and accounts, independently of it, the slots every started request holds
     * (s_c per processed block on every hop); fails when a server's weights plus held caches exceed M_j.
     */
    private static final class CheckingModel implements RoutingModel {
        private final Fleet fleet;
        private final Placement placement;
        private final RoutingModel delegate;
        double maxUsedFraction;

        CheckingModel(Fleet fleet, Placement placement, RoutingModel delegate) {
            this.fleet = fleet;
            this.placement = placement;
            this.delegate = delegate;
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public List<String> routeLabels() {
            return delegate.routeLabels();
        }

        @Override
        public int routeCapacity(int route) {
            return delegate.routeCapacity(route);
        }

        @Override
        public RoutingRun newRun(java.util.random.RandomGenerator random) {
            RoutingRun inner = delegate.newRun(random);
            Map<String, Long> used = new HashMap<>();
            Map<Integer, Chain> held = new HashMap<>();
            Map<Integer, Chain> sampled = new HashMap<>();
            return new RoutingRun() {
                @Override
                public void onArrival(SimContext ctx, int request) {
                    inner.onArrival(wrap(ctx), request);
                }

                @Override
                public void onDeparture(SimContext ctx, int request, int route) {
                    for (Hop h : held.remove(request).hops()) {
                        used.merge(h.serverId(), -(long) h.blocks(), Long::sum);
                    }
                    inner.onDeparture(wrap(ctx), request, route);
                }

                private SimContext wrap(SimContext ctx) {
                    return new SimContext() {
                        @Override
                        public double now() {
                            return ctx.now();
                        }

                        @Override
                        public double sampleServiceSeconds(int request, Chain route) {
                            sampled.put(request, route);
                            return ctx.sampleServiceSeconds(request, route);
                        }

                        @Override
                        public void startService(int request, int route, double serviceSeconds) {
                            Chain r = sampled.remove(request);
                            held.put(request, r);
                            for (Hop h : r.hops()) {
                                long u = used.merge(h.serverId(), (long) h.blocks(), Long::sum);
                                check(h.serverId(), u);
                            }
                            ctx.startService(request, route, serviceSeconds);
                        }

                        @Override
                        public int inputTokens(int request) {
                            return ctx.inputTokens(request);
                        }

                        @Override
                        public int outputTokens(int request) {
                            return ctx.outputTokens(request);
                        }
                    };
                }
            };
        }

        private void check(String serverId, long usedSlots) {
            ServerPlacement sp = placement.server(serverId).orElseThrow();
            long memory = fleet.server(serverId).orElseThrow().memoryBytes();
            long bytes = fleet.model().blockBytes() * sp.range().size() + fleet.model().cacheBytesPerBlockPerJob() * usedSlots;
            assertThat(usedSlots).as("slots held on %s", serverId).isLessThanOrEqualTo(sp.cacheSlots());
            assertThat(bytes).as("bytes used on %s", serverId).isLessThanOrEqualTo(memory);
            maxUsedFraction = Math.max(maxUsedFraction, (double) usedSlots / sp.cacheSlots());
        }
    }
}
