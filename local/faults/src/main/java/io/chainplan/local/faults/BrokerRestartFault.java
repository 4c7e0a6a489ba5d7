package io.chainplan.local.faults;

import java.util.Locale;

/**
 * A broker outage under traffic: the broker stops (every client keeps running: the suite's producer buffers and
 * retries, telemetry-ingest and the optimizer process reconnect) and starts again on the same ports with its
 * data. Acknowledged records must be counted exactly once, no server may be marked down for the broker's absence
 * (issue 13, item 12), and the stack must come back on its ports at once (item 4).
 */
final class BrokerRestartFault implements Fault {
    @Override
    public FaultKind kind() {
        return FaultKind.BROKER_RESTART;
    }

    @Override
    public FaultRow run(Suite suite) {
        OwnedStack stack = suite.owned().orElseThrow();
        FaultRun run = new FaultRun(suite, kind());
        run.faultStarts();
        long stop = System.currentTimeMillis();
        stack.stopBroker();
        Waits.hold(suite.settings().outage());
        long restart = System.currentTimeMillis();
        stack.startBroker();
        run.faultEnds();
        Traffic traffic = run.subject().traffic();
        long due = traffic.scheduledIn(stop, run.faultEndMillis());
        run.note(String.format(Locale.ROOT, "broker down %.1f s in all, started again on port %d in %.1f s; %d arrivals dated while"
                        + " it was down or starting (a send blocks while the producer has no metadata, as in any client)",
                (run.faultEndMillis() - stop) / 1000.0, stack.kafkaPort(), (run.faultEndMillis() - restart) / 1000.0, due));
        if (!stack.optimizerAlive()) {
            run.problem("the optimizer process stopped during the broker outage (see " + stack.dir() + "/optimizer-*.log); started again");
            stack.startOptimizer();
        }
        return run.finish(1, "broker stopped for " + suite.settings().outage().toSeconds() + " s and started again on the same"
                + " ports with its data, under traffic");
    }
}
