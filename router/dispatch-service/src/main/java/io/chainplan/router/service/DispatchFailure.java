package io.chainplan.router.service;

import io.chainplan.router.client.ErrorBody;
import java.util.Objects;

/** A request the service refuses: the HTTP status and the {@link ErrorBody} it answers with. */
final class DispatchFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String error;

    DispatchFailure(int status, String error, String message) {
        super(message, null, false, false);
        this.status = status;
        this.error = Objects.requireNonNull(error, "error");
    }

    static DispatchFailure malformed(String message) {
        return new DispatchFailure(400, ErrorBody.MALFORMED_REQUEST, message);
    }

    static DispatchFailure unknownModel(String modelId) {
        return new DispatchFailure(404, ErrorBody.UNKNOWN_MODEL, "no model " + modelId + " (no model spec and no plan)");
    }

    static DispatchFailure unknownLease(String modelId, String leaseId) {
        return new DispatchFailure(404, ErrorBody.UNKNOWN_LEASE, "no live lease " + leaseId + " of model " + modelId
                + " (never granted, or already released or expired)");
    }

    static DispatchFailure expired(String modelId, String leaseId) {
        return new DispatchFailure(410, ErrorBody.LEASE_EXPIRED, "lease " + leaseId + " of model " + modelId
                + " expired (not renewed within its time to live); its slot was given back");
    }

    static DispatchFailure notOwner(String modelId, String instanceId) {
        return new DispatchFailure(421, ErrorBody.NOT_OWNER, "instance " + instanceId + " does not serve model " + modelId
                + " now; try another instance");
    }

    static DispatchFailure noPlan(String modelId) {
        return new DispatchFailure(503, ErrorBody.NO_PLAN, "model " + modelId + " has no plan yet");
    }

    static DispatchFailure notReady(String modelId, String why) {
        return new DispatchFailure(503, ErrorBody.NOT_READY, "model " + modelId + " is not ready on this instance: " + why);
    }

    static DispatchFailure queueTimeout(String modelId, long timeoutMs) {
        return new DispatchFailure(503, ErrorBody.QUEUE_TIMEOUT, "no chain of model " + modelId + " was free within "
                + timeoutMs + " ms");
    }

    static DispatchFailure unavailable(String modelId, String why) {
        return new DispatchFailure(503, ErrorBody.UNAVAILABLE, "model " + modelId + ": " + why);
    }

    /** A lease change of a model whose leases partition this instance no longer owns: refused, nothing written. */
    static DispatchFailure notRecorded(String modelId) {
        return unavailable(modelId, "this instance no longer serves the model; not recorded");
    }

    int status() {
        return status;
    }

    String error() {
        return error;
    }

    ErrorBody body() {
        return new ErrorBody(error, getMessage());
    }
}
