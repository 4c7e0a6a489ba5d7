package io.chainplan.router.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.local.EmbeddedKafkaBroker;
import io.chainplan.router.client.DispatchClient;
import io.chainplan.router.client.DispatchException;
import io.chainplan.router.client.ErrorBody;
import io.chainplan.router.client.RemoteLease;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two dispatch-service instances sharing two models (one per leases partition) on the in-process
 * broker, under 3 clients x 32 threads that acquire and release at random; the owner of a model is
 * killed as if by {@code kill -9} (HTTP connections dropped, Kafka clients abandoned without abort,
 * commit or leave-group) three times and restarted. The "client processes" are three independent
 * {@link DispatchClient}s (each with its own HTTP connection pool) in this JVM.
 * <p>An independent counter per (model, plan, chain), raised when a client holds a lease and lowered
 * before it releases it, never exceeds the chain's capacity; every lease a client got is released
 * (on whichever instance owns the model then); every acquire ends with a lease or a documented error;
 * at the end every slot is free again (leases whose grant answer was lost in a crash expire).
 */
class DispatchTakeoverIT {
    private static final int CLIENTS = 3;
    private static final int THREADS = 32;
    private static final int[] CAPACITIES = {3, 2, 2};
    private static final int KILLS = 3;
    private static EmbeddedKafkaBroker broker;
    private DispatchHarness h;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = DispatchHarness.broker("dispatch-takeover-it");
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        h = new DispatchHarness(broker, 2);
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    /** What the client threads saw. */
    private static final class Observed {
        final Map<String, AtomicInteger> holding = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> maxHolding = new ConcurrentHashMap<>();
        final AtomicLong granted = new AtomicLong();
        final AtomicLong released = new AtomicLong();
        final List<String> acquireErrors = new CopyOnWriteArrayList<>();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();

        void hold(RemoteLease l) {
            String key = l.modelId() + "/" + l.planEpoch() + "/" + l.chain();
            int n = holding.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            maxHolding.computeIfAbsent(key, k -> new AtomicInteger()).accumulateAndGet(n, Math::max);
            granted.incrementAndGet();
        }

        void letGo(RemoteLease l) {
            holding.get(l.modelId() + "/" + l.planEpoch() + "/" + l.chain()).decrementAndGet();
        }
    }

    @Test
    void shouldNeverOverbookAChainWhileOwnersAreKilledAndRestarted() throws Exception {
        List<String> models = DispatchHarness.modelsOnTwoPartitions();
        for (String m : models) {
            h.plan(m, 1, CAPACITIES);
        }
        DispatchHarness.ShiftedClock clock = new DispatchHarness.ShiftedClock();
        int[] ports = {DispatchHarness.freePort(), DispatchHarness.freePort()};
        String[] ids = {"a", "b"};
        DispatchService[] instances = new DispatchService[2];
        for (int i = 0; i < 2; i++) {
            instances[i] = h.start(ids[i], ports[i], Map.of(), clock, () -> { });
        }
        List<URI> endpoints = List.of(URI.create("http://127.0.0.1:" + ports[0]), URI.create("http://127.0.0.1:" + ports[1]));
        awaitOneModelEach(models, instances);

        Observed seen = new Observed();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            DispatchClient client = DispatchHarness.client(endpoints);
            for (int t = 0; t < THREADS; t++) {
                long seed = 1000L * c + t;
                Thread th = new Thread(() -> work(client, models, new SplittableRandom(seed), stop, seen), "client-" + c + "-" + t);
                th.start();
                threads.add(th);
            }
        }
        awaitProgress(seen, 300);
        for (int k = 0; k < KILLS; k++) {
            String victimModel = models.get(k % models.size());
            int victim = ownerOf(victimModel, instances).orElseThrow();
            instances[victim].kill();
            assertThat(instances[victim].awaitTermination(DispatchHarness.WAIT)).isTrue();
            int survivor = 1 - victim;
            DispatchHarness.await("instance " + ids[survivor] + " serves both models", () ->
                    models.stream().allMatch(m -> serves(instances[survivor], m)));
            awaitProgress(seen, 200);
            instances[victim] = h.start(ids[victim], ports[victim], Map.of(), clock, () -> { });
            awaitOneModelEach(models, instances);
            awaitProgress(seen, 200);
        }
        stop.set(true);
        for (Thread th : threads) {
            th.join(DispatchHarness.WAIT.toMillis());
            assertThat(th.isAlive()).as(th.getName() + " finished").isFalse();
        }

        assertThat(seen.failures).as("unexpected failures").isEmpty();
        assertThat(seen.acquireErrors).as("acquires ended with a lease or a documented error")
                .allSatisfy(e -> assertThat(e).isIn(ErrorBody.QUEUE_TIMEOUT, ErrorBody.UNAVAILABLE));
        assertThat(seen.released.get()).as("every lease a client got was released").isEqualTo(seen.granted.get());
        Map<String, Integer> max = new TreeMap<>();
        seen.maxHolding.forEach((k, v) -> max.put(k, v.get()));
        assertThat(max).as("leases held per model/plan/chain").isNotEmpty().allSatisfy((key, n) ->
                assertThat(n).as(key).isLessThanOrEqualTo(CAPACITIES[Integer.parseInt(key.substring(key.lastIndexOf('/') + 1))]));

        clock.advance(Duration.ofMinutes(5));
        for (String m : models) {
            DispatchHarness.await("every slot of " + m + " is free again", () -> {
                Optional<Integer> owner = ownerOf(m, instances);
                if (owner.isEmpty()) {
                    return false;
                }
                ModelDispatch.Status s = instances[owner.get()].status(m);
                return s.liveLeases() == 0 && s.queueLength() == 0
                        && s.chains().stream().allMatch(c -> c.inService() == 0);
            });
        }
    }

    private static void work(DispatchClient client, List<String> models, SplittableRandom rnd, AtomicBoolean stop,
                             Observed seen) {
        while (!stop.get()) {
            String model = models.get(rnd.nextInt(models.size()));
            RemoteLease lease;
            try {
                lease = client.acquire(model, Duration.ofSeconds(50));
            } catch (DispatchException e) {
                seen.acquireErrors.add(e.error());
                continue;
            } catch (RuntimeException e) {
                seen.failures.add(e);
                continue;
            }
            seen.hold(lease);
            try {
                Thread.sleep(rnd.nextInt(4));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            seen.letGo(lease);
            try {
                client.release(lease);
                seen.released.incrementAndGet();
            } catch (RuntimeException e) {
                seen.failures.add(new AssertionError("release of " + lease + " failed", e));
            }
        }
    }

    private static void awaitProgress(Observed seen, long leases) {
        long target = seen.granted.get() + leases;
        DispatchHarness.await(leases + " more leases granted", () -> seen.granted.get() >= target);
    }

    /**
     * Waits until the group has settled after a join: each instance serves one of the models (they are on the two
     * partitions). Every model having an owner is not enough: right after a restart the survivor still serves both
     * until the rebalance moves one, and the next kill would find that model between owners.
     */
    private static void awaitOneModelEach(List<String> models, DispatchService[] instances) {
        DispatchHarness.await("each instance serves one model", () -> {
            Set<Integer> owners = new HashSet<>();
            for (String m : models) {
                Optional<Integer> owner = ownerOf(m, instances);
                if (owner.isEmpty()) {
                    return false;
                }
                owners.add(owner.get());
            }
            return owners.size() == instances.length;
        });
    }

    private static Optional<Integer> ownerOf(String model, DispatchService[] instances) {
        List<Integer> owners = new ArrayList<>();
        for (int i = 0; i < instances.length; i++) {
            if (serves(instances[i], model)) {
                owners.add(i);
            }
        }
        return owners.size() == 1 ? Optional.of(owners.get(0)) : Optional.empty();
    }

    private static boolean serves(DispatchService d, String model) {
        try {
            d.status(model);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
