package io.chainplan.optimizer.service;

/**
 * Visible for testing: called by the service at points of its publish cycle; a test makes it throw
 * {@link Abandon} to simulate a crash there (the instance stops at once: no abort, no commit, no
 * clean close).
 */
interface CrashHook {
    /** No crashes. */
    CrashHook NONE = stage -> { };

    /** Points of the publish cycle. */
    enum Stage {
        /** A plan was solved, no transaction is open yet. */
        SOLVED,
        /** The plan record was sent and flushed: it is on the broker inside an open transaction. */
        SENT,
        /** Offsets were added to the open transaction, the commit is next. */
        BEFORE_COMMIT,
        /** The transaction committed. */
        COMMITTED
    }

    /**
     * @param stage where the cycle is
     * @throws Abandon to crash here
     */
    void at(Stage stage);

    /** Thrown by a hook to abandon the instance. */
    final class Abandon extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /**
         * @param stage where
         */
        Abandon(Stage stage) {
            super("simulated crash at " + stage);
        }
    }
}
