package io.chainplan.optimizer.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EventHeapTest {
    @Test
    void shouldPopEventsInTimeOrderAcrossGrowth() {
        EventHeap heap = new EventHeap();
        SplittableRandom random = new SplittableRandom(3);
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            double t = random.nextDouble() * 100;
            times.add(t);
            heap.push(t, i);
        }
        assertThat(heap.size()).isEqualTo(5000);
        double last = Double.NEGATIVE_INFINITY;
        while (!heap.isEmpty()) {
            double t = heap.minTime();
            int id = heap.pop();
            assertThat(times.get(id)).isEqualTo(t);
            assertThat(t).isGreaterThanOrEqualTo(last);
            last = t;
        }
        assertThat(heap.minTime()).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void shouldRefuseToPopAnEmptyHeap() {
        assertThatThrownBy(() -> new EventHeap().pop()).isInstanceOf(IllegalStateException.class);
    }
}
