package io.chainplan.optimizer.tuning;

import io.chainplan.optimizer.model.Placement;
import io.chainplan.optimizer.model.ServerPlacement;
import java.util.Arrays;

/**
 * A compact, comparable fingerprint of a placement (server ids, ranges and slots), so that the
 * search over c can detect repeated placements without keeping every placement alive.
 */
final class PlacementKey {
    private final String[] ids;
    private final int[] numbers;
    private final int hash;

    private PlacementKey(String[] ids, int[] numbers) {
        this.ids = ids;
        this.numbers = numbers;
        this.hash = 31 * Arrays.hashCode(ids) + Arrays.hashCode(numbers);
    }

    static PlacementKey of(Placement p) {
        int n = p.servers().size();
        String[] ids = new String[n];
        int[] numbers = new int[3 * n];
        for (int i = 0; i < n; i++) {
            ServerPlacement sp = p.servers().get(i);
            ids[i] = sp.serverId();
            numbers[3 * i] = sp.range().start();
            numbers[3 * i + 1] = sp.range().end();
            numbers[3 * i + 2] = sp.cacheSlots();
        }
        return new PlacementKey(ids, numbers);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PlacementKey k && hash == k.hash && Arrays.equals(numbers, k.numbers)
                && Arrays.equals(ids, k.ids);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
