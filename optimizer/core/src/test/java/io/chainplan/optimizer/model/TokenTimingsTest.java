package io.chainplan.optimizer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TokenTimingsTest {
    private static final double TOLERANCE = 1e-12;

    @Test
    void shouldChargePrefillPerInputTokenAndDecodePerFurtherOutputToken() {
        TokenTimings t = new TokenTimings(0.001, 1e-5, 2e-3, 0.02, 0.01);
        assertThat(t.perBlockSeconds(1000, 21)).isCloseTo(0.001 + 1000 * 1e-5 + 20 * 2e-3, within(TOLERANCE));
        assertThat(t.perBlockSeconds(1000, 1)).isCloseTo(0.001 + 1000 * 1e-5, within(TOLERANCE));
        assertThat(t.perBlockSeconds(1000, 0)).isEqualTo(t.perBlockSeconds(1000, 1));
        assertThat(t.commSeconds(21)).isCloseTo(0.02 + 20 * 0.01, within(TOLERANCE));
        assertThat(t.commSeconds(0)).isEqualTo(0.02);
    }

    @Test
    void shouldReproduceTheReferenceRequestFromItsSplit() {
        Server s = new Server("a", 40_000_000_000L, 1.31, 0.109);
        TokenTimings t = TokenTimings.fromReference(s, 0.001, 2000, 20, 0.772);
        assertThat(t.perBlockSeconds(2000, 20)).isCloseTo(0.109, within(TOLERANCE));
        assertThat(t.commSeconds(20)).isCloseTo(1.31, within(TOLERANCE));
        Server back = t.server("a", s.memoryBytes(), 2000, 20);
        assertThat(back.perBlockComputeSeconds()).isCloseTo(0.109, within(TOLERANCE));
        assertThat(back.commSeconds()).isCloseTo(1.31, within(TOLERANCE));
        // half the prompt: the prefill share of the variable part halves
        assertThat(t.perBlockSeconds(1000, 20)).isCloseTo(0.001 + 0.108 * (0.772 / 2 + 0.228), within(TOLERANCE));
    }

    @Test
    void shouldRejectNegativeOrNonFiniteCoefficientsAndBadReferences() {
        assertThatThrownBy(() -> new TokenTimings(-1, 0, 0, 0, 0)).hasMessageContaining("blockOverheadSeconds");
        assertThatThrownBy(() -> new TokenTimings(0, Double.NaN, 0, 0, 0)).hasMessageContaining("prefillSecondsPerToken");
        assertThatThrownBy(() -> new TokenTimings(0, 0, 0, 0, Double.POSITIVE_INFINITY))
                .hasMessageContaining("commSecondsPerToken");
        Server s = new Server("a", 1, 1, 1);
        assertThatThrownBy(() -> TokenTimings.fromReference(s, 0, 0, 20, 0.5)).hasMessageContaining("referenceInputTokens");
        assertThatThrownBy(() -> TokenTimings.fromReference(s, 0, 10, 1, 0.5)).hasMessageContaining("referenceOutputTokens");
        assertThatThrownBy(() -> TokenTimings.fromReference(s, 0, 10, 10, 1.5)).hasMessageContaining("prefillShare");
    }
}
