package io.chainplan.schemas.serde;

import java.util.Optional;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

/**
 * A permanent refusal by the Kafka cluster: the credentials were rejected (a wrong SASL password,
 * an unknown user, a failed TLS handshake: {@link AuthenticationException}) or the principal may not
 * use a topic, group, transactional id or the cluster ({@link AuthorizationException}). Retrying
 * does not help, so a service reports it in one line and stops with a non-zero exit, instead of
 * restarting its session in a loop. Broker outages are not refusals: Kafka's clients retry those.
 *
 * @param cause   the refusal, as Kafka's client threw it
 * @param message one line for the operator: what was refused and what to check
 */
public record ClusterRefusal(RuntimeException cause, String message) {
    /**
     * @param t an exception, possibly wrapped (by Kafka Streams, a future, a session)
     * @return the first authentication or authorisation failure in its cause chain, if any
     */
    public static Optional<ClusterRefusal> in(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof AuthenticationException a) {
                return Optional.of(new ClusterRefusal(a, "the Kafka cluster refused the credentials ("
                        + a.getClass().getSimpleName() + ": " + a.getMessage() + "); check security.protocol,"
                        + " sasl.mechanism and sasl.jaas.config (user and password); not retrying"));
            }
            if (c instanceof AuthorizationException a) {
                return Optional.of(new ClusterRefusal(a, "the Kafka cluster refused access ("
                        + a.getClass().getSimpleName() + ": " + a.getMessage() + "); check the ACLs of the"
                        + " principal for the topics, group and transactional id; not retrying"));
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return Optional.empty();
    }

    /**
     * @return the refusal as the failure a component stops with: its message is {@link #message()},
     *         its cause the client's exception
     */
    public IllegalStateException failure() {
        return new IllegalStateException(message, cause);
    }
}
