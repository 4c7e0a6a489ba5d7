package io.chainplan.router.client;

/**
 * The body of an acquire ({@code POST /v1/models/{model}/leases}); the body may also be empty.
 *
 * @param timeoutMs how long to wait in the central queue for a free chain, ms (null or absent: 0,
 *                  answer at once); at most the service's {@code chainplan.dispatch.max.wait.ms}
 */
public record AcquireRequest(Long timeoutMs) {
}
