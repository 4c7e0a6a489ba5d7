package io.chainplan.local.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.local.LocalStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chainplan local --dispatch service} (the default): the closed loop's fleet leases its chains
 * from the dispatch service over HTTP, which records them on {@code chainplan.leases}; 20 s of wall time
 * at 24x, steady load.
 */
class ClosedLoopServiceIT {
    private static final long SEED = 7L;

    @TempDir
    Path dir;

    @Test
    void shouldServeTheFleetThroughTheDispatchService() throws Exception {
        ClosedLoopOptions options = new ClosedLoopOptions(Duration.ofSeconds(20), 24, Optional.empty(), FleetPreset.MIG,
                Optional.empty(),
                Optional.empty(), Scenario.STEADY, false, Optional.empty(), SEED, ClosedLoopOptions.Dispatch.SERVICE);
        StringWriter out = new StringWriter();
        ClosedLoop.Result r;
        long leaseRecords;
        try (LocalStack stack = LocalStack.start(LocalStack.Settings.ephemeral(dir.resolve("data")))) {
            r = new ClosedLoop(options, new LocalServices()).run(stack, new PrintWriter(out, true),
                    new PrintWriter(new StringWriter(), true), false);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
                TopicPartition tp = new TopicPartition(stack.topics().leases(), 0);
                leaseRecords = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset();
            }
        }
        System.out.println(out);
        assertThat(out.toString()).contains("dispatch service");
        assertThat(r.summary().plans()).isNotEmpty();
        assertThat(r.summary().plans().get(0).plan().getInputs().getServers()).as("the first plan sees the whole fleet")
                .hasSize(FleetPreset.MIG.fleet().servers().size());
        List<Completion> served = r.recorder().completions().stream().filter(c -> c.epochAtArrival() >= 0).toList();
        assertThat(served).as("requests served on a plan").hasSizeGreaterThan(100);
        assertThat(r.recorder().completions()).allSatisfy(c -> assertThat(c.servedEpoch()).isPositive());
        assertThat(leaseRecords).as("grants and releases recorded on chainplan.leases")
                .isGreaterThanOrEqualTo(2L * served.size());
    }
}
