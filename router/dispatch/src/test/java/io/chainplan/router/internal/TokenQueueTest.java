package io.chainplan.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenQueueTest {
    @Test
    void shouldKeepFifoOrderAcrossGrowthAndRemoval() {
        TokenQueue q = new TokenQueue();
        for (long t = 0; t < 100; t++) {
            q.add(t, t);
        }
        assertThat(q.remove(50)).isTrue();
        assertThat(q.remove(50)).isFalse();
        assertThat(q.headSeq()).isEqualTo(0);
        for (long t = 0; t < 100; t++) {
            if (t != 50) {
                assertThat(q.poll()).isEqualTo(t);
            }
        }
        assertThat(q.poll()).isEqualTo(-1);
        assertThat(q.headSeq()).isEqualTo(Long.MAX_VALUE);
    }
}
