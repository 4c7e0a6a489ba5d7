package io.chainplan.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.schemas.avro.ServerStatus;
import io.chainplan.schemas.avro.ServerTelemetry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GeneratedClassTrustTest {
    /** Child-JVM entry point: builds a record whose enum field takes its default, before any serde exists. */
    public static final class BuildWithEnumDefault {
        public static void main(String[] args) {
            ServerTelemetry t = ServerTelemetry.newBuilder().setServerId("s").setTimestampMillis(Instant.EPOCH)
                    .setTotalMemoryBytes(1).build();
            System.out.print(t.getStatus() == ServerStatus.UP ? "built" : "wrong default");
        }
    }

    @Test
    void shouldLetBuildersUseEnumDefaultsInAFreshJvmWithoutAnySerde() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                BuildWithEnumDefault.class.getName()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as(err).isEqualTo("built");
    }
}
