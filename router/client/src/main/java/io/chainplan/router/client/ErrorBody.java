package io.chainplan.router.client;

import java.util.Objects;

/**
 * The JSON body of every error answer of the dispatch service: a stable machine-readable code and a
 * message for people. The codes, with their HTTP status:
 * <ul>
 *   <li>{@value #MALFORMED_REQUEST} (400): the body is not JSON of the documented shape, or a value is
 *       out of range; the message names the field;</li>
 *   <li>{@value #UNKNOWN_MODEL} (404): no model spec and no plan has this id;</li>
 *   <li>{@value #UNKNOWN_LEASE} (404): no live lease of the model has this id (never granted, or
 *       already released or expired);</li>
 *   <li>{@value #NOT_FOUND} (404) and {@value #METHOD_NOT_ALLOWED} (405): no such resource or method;</li>
 *   <li>{@value #LEASE_EXPIRED} (410): the lease expired (it was not renewed in time) and its slot was
 *       given back; known for leases that expired on this instance recently;</li>
 *   <li>{@value #NOT_OWNER} (421): another instance serves this model now; try the next one;</li>
 *   <li>{@value #NO_PLAN} (503): the model has no plan yet;</li>
 *   <li>{@value #NOT_READY} (503): this instance took the model over and is rebuilding its leases from
 *       {@code chainplan.leases}, or it has just started and is still reading the plans and model specs;
 *       retry shortly;</li>
 *   <li>{@value #QUEUE_TIMEOUT} (503): no chain was free within the request's timeout;</li>
 *   <li>{@value #UNAVAILABLE} (503): the lease could not be recorded durably (the broker is unreachable,
 *       or this instance lost the model meanwhile); nothing was granted, released or renewed.</li>
 * </ul>
 *
 * @param error   the code
 * @param message what went wrong
 */
public record ErrorBody(String error, String message) {
    /** 400: see the class doc. */
    public static final String MALFORMED_REQUEST = "malformed-request";
    /** 404: see the class doc. */
    public static final String UNKNOWN_MODEL = "unknown-model";
    /** 404: see the class doc. */
    public static final String UNKNOWN_LEASE = "unknown-lease";
    /** 404: see the class doc. */
    public static final String NOT_FOUND = "not-found";
    /** 405: see the class doc. */
    public static final String METHOD_NOT_ALLOWED = "method-not-allowed";
    /** 410: see the class doc. */
    public static final String LEASE_EXPIRED = "lease-expired";
    /** 421: see the class doc. */
    public static final String NOT_OWNER = "not-owner";
    /** 503: see the class doc. */
    public static final String NO_PLAN = "no-plan";
    /** 503: see the class doc. */
    public static final String NOT_READY = "not-ready";
    /** 503: see the class doc. */
    public static final String QUEUE_TIMEOUT = "queue-timeout";
    /** 503: see the class doc. */
    public static final String UNAVAILABLE = "unavailable";

    /** Validates. */
    public ErrorBody {
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(message, "message");
    }
}
