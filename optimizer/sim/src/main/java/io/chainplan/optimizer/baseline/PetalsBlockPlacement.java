package io.chainplan.optimizer.baseline;

import io.chainplan.optimizer.model.BlockRange;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.ModelSpec;
import io.chainplan.optimizer.model.Placement;
import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.model.ServerPlacement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * PETALS' block placement as the paper models it (arXiv 2604.14993, §6.1, baseline "PETALS";
 * DESIGN.md §1.3), after {@code petals.server.block_selection.choose_best_blocks}.
 * <ol>
 *   <li>Each server reserves a fixed attention cache of 4096 tokens per hosted block, i.e. two
 *       requests' caches ({@code 2 s_c}, since {@code s_c} is one request's 2048-token cache), and
 *       hosts {@code m_j = min(floor(M_j / (s_m + 2 s_c)), L)} blocks.</li>
 *   <li>Servers join in a random order (a seeded shuffle of the id-sorted servers).</li>
 *   <li>Each server takes the window of {@code m_j} consecutive blocks whose served-throughput
 *       vector, sorted ascending, is lexicographically smallest (ties: smallest start); a server's
 *       throughput is {@code 1 / tau_p[j]} and adds to every block it hosts.</li>
 * </ol>
 * <p>O(J L m log m). Deviation: PETALS servers later re-balance when the swarm's balance quality
 * drops; the paper's model (and this class) keeps the join-time choice.
 * <p>Deterministic for a given random generator state. Immutable and thread-safe.
 */
public final class PetalsBlockPlacement {
    /** PETALS' attention cache per block, in requests of {@code s_c}: 4096 tokens / 2048 tokens. */
    public static final int DEFAULT_RESERVED_REQUESTS_PER_BLOCK = 2;

    private final int reservedRequestsPerBlock;
    private final CachePool pool;

    /** PETALS with its default reservation and the reserved cache pool. */
    public PetalsBlockPlacement() {
        this(DEFAULT_RESERVED_REQUESTS_PER_BLOCK, CachePool.RESERVED);
    }

    /**
     * @param reservedRequestsPerBlock cache reserved per hosted block, in requests ({@code >= 1})
     * @param pool how large each server's cache pool is
     */
    public PetalsBlockPlacement(int reservedRequestsPerBlock, CachePool pool) {
        if (reservedRequestsPerBlock < 1) {
            throw new IllegalArgumentException("reservedRequestsPerBlock must be >= 1, was " + reservedRequestsPerBlock);
        }
        this.reservedRequestsPerBlock = reservedRequestsPerBlock;
        this.pool = Objects.requireNonNull(pool, "pool");
    }

    /**
     * Places the blocks.
     *
     * @param fleet model and servers (lambda is not used)
     * @param random the join-order randomness
     * @return the placement; {@code coversAllBlocks} is false if some block found no server
     */
    public BaselinePlacement place(Fleet fleet, RandomGenerator random) {
        Objects.requireNonNull(fleet, "fleet");
        Objects.requireNonNull(random, "random");
        return placeInOrder(fleet.model(), joinOrder(fleet, random));
    }

    /**
     * Steps 1 and 3 for a given join order.
     *
     * @param model the model
     * @param order the servers in join order
     * @return the placement
     */
    BaselinePlacement placeInOrder(ModelSpec model, List<Server> order) {
        double[] served = new double[model.blocks()];
        List<ServerPlacement> placed = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (Server s : order) {
            int m = Windows.blocksWithReservation(model, s, reservedRequestsPerBlock);
            if (m == 0) {
                continue;
            }
            int start = Windows.lexicographicallyLeastServedStart(served, m);
            Windows.add(served, start, m, 1.0 / s.perBlockComputeSeconds());
            int slots = pool.slots(s.memoryBytes(), model.blockBytes(), model.cacheBytesPerBlockPerJob(), m,
                    reservedRequestsPerBlock);
            placed.add(new ServerPlacement(s.id(), new BlockRange(start, start + m), slots));
            ids.add(s.id());
        }
        return new BaselinePlacement("petals", new Placement(placed), reservedRequestsPerBlock, ids,
                Windows.allPositive(served), 0.0);
    }

    /**
     * The join order: the servers sorted by id, then shuffled (Fisher-Yates) with {@code random}.
     *
     * @param fleet the fleet
     * @param random the randomness
     * @return the servers in join order
     */
    static List<Server> joinOrder(Fleet fleet, RandomGenerator random) {
        List<Server> order = new ArrayList<>(fleet.servers());
        order.sort(Comparator.comparing(Server::id));
        for (int i = order.size() - 1; i > 0; i--) {
            int k = random.nextInt(i + 1);
            Server t = order.get(i);
            order.set(i, order.get(k));
            order.set(k, t);
        }
        return order;
    }
}
