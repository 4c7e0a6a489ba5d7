package io.chainplan.local.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.local.LocalStack;
import io.chainplan.schemas.avro.TriggerKind;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short {@code chainplan local --fleet-preset mig --scenario mix} (issue 17 item 5): generated tokens per request grow ten-fold
 * half way at the same rate; the closed loop on the in-process broker for 25 s of wall time at 24x (600 s
 * simulated). One re-plan answers the change for the whole fleet, and its prediction holds.
 */
class ClosedLoopMixIT {
    private static final long SEED = 42L;

    @TempDir
    Path dir;

    @Test
    void shouldReplanOnceForTheNewMixAndBeInTheBandOfThatPlan() throws Exception {
        ClosedLoopOptions options = new ClosedLoopOptions(Duration.ofSeconds(25), 24, Optional.empty(), FleetPreset.MIG,
                Optional.empty(), Optional.empty(), Scenario.MIX, false, Optional.empty(), SEED,
                ClosedLoopOptions.Dispatch.EMBEDDED, -1, -1);
        StringWriter out = new StringWriter();
        ClosedLoop.Result r;
        try (LocalStack stack = LocalStack.start(LocalStack.Settings.ephemeral(dir.resolve("data")))) {
            r = new ClosedLoop(options, new LocalServices()).run(stack, new PrintWriter(out, true),
                    new PrintWriter(new StringWriter(), true), false);
        }
        System.out.println(out);
        RunSummary s = r.summary();
        // the run followed the requests in flight after its last arrival to their end: every period is complete
        assertThat(r.recorder().completedCount()).as(s.render()).isEqualTo(r.recorder().arrivedCount());
        double mixAt = r.recorder().scenarioEvents().stream().filter(e -> e.kind().equals("mix")).findFirst()
                .orElseThrow().atSeconds();

        List<RunSummary.PlanRow> after = s.plans().stream().filter(p -> p.receivedSeconds() > mixAt).toList();
        assertThat(after).as(s.render()).isNotEmpty().hasSizeLessThanOrEqualTo(2);
        RunSummary.PlanRow answer = after.get(0);
        assertThat(answer.plan().getTrigger().getKind()).as(s.render()).isEqualTo(TriggerKind.MIX_SHIFT);
        // the plan was solved for the new mix: about 200 generated tokens per request, not the declared 20
        assertThat(answer.plan().getInputs().getTokens().getMeanOutputTokens()).as(s.render()).isBetween(150.0, 250.0);
        assertThat(s.detections()).anySatisfy(d -> assertThat(d.planTrigger()).isEqualTo("MIX_SHIFT"));

        RunSummary.PeriodRow answered = s.periods().stream().filter(p -> p.epoch() == answer.epoch()).findFirst()
                .orElseThrow();
        assertThat(answered.judged()).as(s.render()).isTrue();
        assertThat(answered.inBandWithinEstimateError()).as(s.render()).isTrue();
        RunSummary.PeriodRow last = s.lastPeriod().orElseThrow();
        assertThat(last.judged()).isTrue();
        assertThat(last.inBandWithinEstimateError()).as(s.render()).isTrue();
        // the true-input band of the new mix holds the measurement too (the truth at the period's token mix)
        assertThat(last.inTrueBand()).as(s.render()).isTrue();
    }
}
