package io.chainplan.router.client;

/**
 * The body of an acquire ({@code POST /v1/models/{model}/leases}); the body may also be empty.
 *
 * @param timeoutMs how long to wait in the central queue for a free chain, ms (null or absent: 0,
 *                  answer at once); at most the service's {@code chainplan.dispatch.max.wait.ms}
 * @param requestId the client's id of this acquire (null or absent: none), at most {@value #MAX_REQUEST_ID_LENGTH}
 *                  characters of {@code [A-Za-z0-9._:-]}: an acquire sent again with the same id while its lease
 *                  is live gets that lease, not a second one (a retry after a lost answer, also on the next owner)
 */
public record AcquireRequest(Long timeoutMs, String requestId) {
    /** Longest request id. */
    public static final int MAX_REQUEST_ID_LENGTH = 128;

    /** @return why the request id is not acceptable, or null if it is (or absent) */
    public String requestIdProblem() {
        if (requestId == null) {
            return null;
        }
        if (requestId.isEmpty() || requestId.length() > MAX_REQUEST_ID_LENGTH
                || !requestId.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || ".:_-".indexOf(c) >= 0))) {
            return "field requestId must be 1 to " + MAX_REQUEST_ID_LENGTH + " characters of [A-Za-z0-9._:-], was \""
                    + (requestId.length() > 40 ? requestId.substring(0, 40) + "..." : requestId) + "\"";
        }
        return null;
    }
}
