package io.chainplan.local.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.PlanStatus;
import io.chainplan.schemas.avro.TriggerKind;
import io.chainplan.local.LocalStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short {@code chainplan local --compare petals} on the default fleet (LLaMA-2-70B on ten mixed GPUs) and
 * scenario (shift): the closed loop on the in-process broker for 25 s of wall time at 24x (600 s simulated,
 * as the 60 s default run).
 */
class ClosedLoopIT {
    private static final long SEED = 42L;

    @TempDir
    Path dir;

    @Test
    void shouldReplanOnTheShiftStayInTheBandOfThePlanInForceAndBeatPetals() throws Exception {
        ClosedLoopOptions options = new ClosedLoopOptions(Duration.ofSeconds(25), 24, Optional.empty(), FleetPreset.MIXED_70B,
                Optional.empty(),
                Optional.empty(), Scenario.SHIFT, true, Optional.of(dir.resolve("report")), SEED,
                ClosedLoopOptions.Dispatch.EMBEDDED, -1, -1);
        StringWriter out = new StringWriter();
        ClosedLoop.Result r;
        try (LocalStack stack = LocalStack.start(LocalStack.Settings.ephemeral(dir.resolve("data")))) {
            r = new ClosedLoop(options, new LocalServices()).run(stack, new PrintWriter(out, true),
                    new PrintWriter(new StringWriter(), true), false);
        }
        System.out.println(out);
        RunSummary s = r.summary();

        assertThat(s.plans()).hasSizeGreaterThanOrEqualTo(2);
        ChainPlan first = s.plans().get(0).plan();
        assertThat(first.getTrigger().getKind()).isEqualTo(TriggerKind.INITIAL);
        // the fleet reports until ingest has estimated every server, and the optimizer reads the server
        // estimates up to their end before it plans from a demand estimate: the first plan sees all ten
        assertThat(first.getInputs().getServers()).as("the first plan sees the whole fleet")
                .hasSize(FleetPreset.MIXED_70B.fleet().servers().size());
        // the model spec declares the rate: the first plan needs no traffic, so no request waits for one, and the
        // first demand estimate refines it
        assertThat(first.getInputs().getDeclaredDemand()).as("planned from the declared rate").isTrue();
        assertThat(r.recorder().completions()).as("no request waited for a first plan")
                .allSatisfy(c -> assertThat(c.epochAtArrival()).isPositive());
        assertThat(s.plans()).as(s.render()).anySatisfy(p -> assertThat(p.plan().getTrigger().getKind())
                .isEqualTo(TriggerKind.FIRST_ESTIMATE));
        double shiftAt = r.recorder().scenarioEvents().stream().filter(e -> e.kind().equals("shift")).findFirst()
                .orElseThrow().atSeconds();
        assertThat(s.plans()).as("an OK plan of the whole fleet before the shift").anySatisfy(p -> {
            assertThat(p.receivedSeconds()).isLessThan(shiftAt);
            assertThat(p.plan().getStatus()).isEqualTo(PlanStatus.OK);
            assertThat(p.plan().getInputs().getServers()).hasSize(FleetPreset.MIXED_70B.fleet().servers().size());
        });
        // the first plan after the shift answers it, and the doubled rate needs a new placement
        RunSummary.PlanRow afterShift = s.plans().stream().filter(p -> p.receivedSeconds() > shiftAt).findFirst()
                .orElseThrow();
        assertThat(afterShift.plan().getTrigger().getKind()).as(s.render()).isEqualTo(TriggerKind.DEMAND_SHIFT);
        assertThat(s.plans()).as("a plan after the shift moves blocks").anySatisfy(p -> {
            assertThat(p.receivedSeconds()).isGreaterThan(shiftAt);
            assertThat(p.plan().getReplaces()).isNotNull();
            assertThat(p.plan().getReplaces().getBlocksMoved()).isPositive();
        });
        assertThat(s.render()).contains("blocks moved to");
        assertThat(s.detections()).anySatisfy(d -> assertThat(d.planTrigger()).isEqualTo("DEMAND_SHIFT"));

        RunSummary.PeriodRow last = s.lastPeriod().orElseThrow();
        assertThat(last.judged()).isTrue();
        assertThat(last.inBandWithinEstimateError()).as(s.render()).isTrue();
        assertThat(s.allJudgedInBand()).as(s.render()).isTrue();

        double petals = r.petals().orElseThrow().result().responseTime().meanSeconds();
        double ours = r.recorder().completions().stream().filter(c -> c.epochAtArrival() >= 0)
                .mapToDouble(Completion::responseSeconds).average().orElseThrow();
        assertThat(ours).isLessThan(petals);
        assertThat(r.reportFiles()).hasSize(3).allSatisfy(f -> assertThat(f).isRegularFile());
    }
}
