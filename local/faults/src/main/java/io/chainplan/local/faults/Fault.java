package io.chainplan.local.faults;

/** One kind of fault: injects it into the running system and reports what became of the records. */
interface Fault {
    /** @return the kind */
    FaultKind kind();

    /**
     * Injects the fault (on a model of its own, beside the suite's control model) and measures its row.
     *
     * @param suite the run's shared clients and stack
     * @return the row
     * @throws Exception if the fault could not be injected at all
     */
    FaultRow run(Suite suite) throws Exception;
}
