package io.chainplan.local.loop;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a Docker IT: it runs only where the Docker engine answers and holds {@link #images()}
 * (built by {@code ops/docker/build-local-images.sh}; no test pulls an image), and, if asked, where a
 * compose command and {@link #hostCommands()} are installed. Otherwise the class is skipped and the
 * first skip prints one line saying why ({@link DockerEngine#whyUnavailable}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(DockerEngine.Condition.class)
@interface RequiresDocker {
    /** @return images the test runs */
    String[] images();

    /** @return whether the test runs {@code docker compose} or {@code docker-compose} */
    boolean compose() default false;

    /** @return commands the test runs on the host, e.g. {@code prometheus} */
    String[] hostCommands() default {};
}
