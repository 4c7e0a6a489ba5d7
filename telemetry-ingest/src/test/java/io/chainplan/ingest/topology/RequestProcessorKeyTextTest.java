package io.chainplan.ingest.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestProcessorKeyTextTest {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldReuseTheModelIdWhenTheKeyIsItsAsciiBytes() {
        String model = "llama-2-70b";

        assertThat(RequestProcessor.keyText(utf8(model), model)).isSameAs(model);
    }

    @Test
    void shouldDecodeAKeyThatDiffersFromTheModelId() {
        assertThat(RequestProcessor.keyText(utf8("bloom-176b"), "llama-2-70b")).isEqualTo("bloom-176b");
        assertThat(RequestProcessor.keyText(utf8("llama-2-70"), "llama-2-70b")).isEqualTo("llama-2-70");
        assertThat(RequestProcessor.keyText(utf8("llama"), null)).isEqualTo("llama");
    }

    @Test
    void shouldDecodeANonAsciiKeyAsUtf8() {
        String model = "modèle-7b";

        assertThat(RequestProcessor.keyText(utf8(model), model)).isEqualTo(model);
        assertThat(RequestProcessor.keyText(new byte[] {(byte) 0xc3, (byte) 0xa9}, "Ã©")).isEqualTo("é");
    }

    @Test
    void shouldKeepANullKeyNull() {
        assertThat(RequestProcessor.keyText(null, "llama-2-70b")).isNull();
    }
}
