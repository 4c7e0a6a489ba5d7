package io.chainplan.optimizer.service;

import static io.chainplan.optimizer.service.OptimizerHarness.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.local.EmbeddedKafkaBroker;
import io.chainplan.optimizer.replan.ReplanSettings;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.avro.PlanStatus;
import io.chainplan.schemas.avro.ServerEstimate;
import io.chainplan.schemas.avro.ServerParameters;
import io.chainplan.schemas.avro.ServerStatus;
import io.chainplan.schemas.avro.TriggerKind;
import io.chainplan.schemas.serde.DeadLetters;
import io.chainplan.schemas.serde.InputFailureException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OptimizerServiceIT {
    private static EmbeddedKafkaBroker broker;
    private OptimizerHarness h;
    private OptimizerService service;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.start(OptimizerHarness.tmp("optimizer-it"), 0);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        h = new OptimizerHarness(broker, 1);
    }

    @AfterEach
    void tearDown() {
        if (service != null) {
            service.close();
        }
        h.close();
    }

    private ChainPlan startWithPlanAt(double rate, Map<String, String> extra) throws Exception {
        h.model();
        h.fleet();
        h.demand(rate, rate * 0.05);
        service = h.service("a", extra, CrashHook.NONE);
        return h.awaitPlans(1).get(0);
    }

    @Test
    void shouldPublishAPlanWithEveryFieldFromEstimates() throws Exception {
        ChainPlan p = startWithPlanAt(0.2, Map.of());

        assertThat(p.getEpoch()).isEqualTo(1);
        assertThat(p.getModelId()).isEqualTo(MODEL);
        assertThat(p.getCreatedAtMillis()).isEqualTo(Instant.ofEpochMilli(h.clock.millis()));
        assertThat(p.getTrigger().getKind()).isEqualTo(TriggerKind.INITIAL);
        assertThat(p.getStatus()).isEqualTo(PlanStatus.OK);
        assertThat(p.getInputs().getServers()).extracting(ServerParameters::getServerId).hasSize(OptimizerHarness.SERVERS);
        assertThat(p.getInputs().getArrivalRatePerSecond()).isEqualTo(0.2);
        assertThat(p.getInputs().getFixedPlacement()).isEmpty();
        assertThat(p.getC()).isPositive();
        assertThat(p.getPlacements()).isNotEmpty();
        assertThat(p.getChains()).isNotEmpty();
        assertThat(p.getBounds().getLowerSeconds()).isPositive();
        assertThat(p.getTotalServiceRatePerSecond()).isGreaterThan(0.2 / 0.7);
        assertThat(p.getSolver().getObjective()).isEqualTo("lower-bound");
        assertThat(p.getReplaces()).isNull();
        assertThat(service.metrics().plansPublished()).isEqualTo(1);
    }

    @Test
    void shouldPlanFromTheDeclaredRateOnceTheFleetSettledAndRefineAtTheFirstEstimate() throws Exception {
        h.model(ModelSpec.newBuilder().setId(MODEL).setBlocks(70).setBlockBytes(1_320_000_000L)
                .setCacheBytesPerBlockPerJob(110_000_000L).setDeclaredRatePerSecond(0.3).build());
        h.fleet();
        service = h.service("a", Map.of(), CrashHook.NONE);
        OptimizerHarness.await("the first plan deferred while the fleet settles", () -> service.metrics().registry()
                .find("chainplan.optimizer.triggers").tags("kind", "INITIAL", "action", "defer").counter() != null);
        assertThat(h.plans()).as("the fleet has not been quiet for the settle time").isEmpty();

        h.clock.advance(Duration.ofMillis(ReplanSettings.DEFAULT_FLEET_SETTLE_MILLIS));
        ChainPlan first = h.awaitPlans(1).get(0);
        assertThat(first.getTrigger().getKind()).isEqualTo(TriggerKind.INITIAL);
        assertThat(first.getStatus()).isEqualTo(PlanStatus.OK);
        assertThat(first.getInputs().getDeclaredDemand()).isTrue();
        assertThat(first.getInputs().getArrivalRatePerSecond()).isEqualTo(0.3);
        assertThat(first.getInputs().getServers()).as("the whole fleet, no demand estimate needed")
                .hasSize(OptimizerHarness.SERVERS);

        h.demand(0.25, 0.02);
        ChainPlan second = h.awaitPlans(2).get(1);
        assertThat(second.getTrigger().getKind()).isEqualTo(TriggerKind.FIRST_ESTIMATE);
        assertThat(second.getTrigger().getDetail()).contains("replaces the declared 0.3000 req/s");
        assertThat(second.getInputs().getDeclaredDemand()).isFalse();
        assertThat(second.getInputs().getArrivalRatePerSecond()).isEqualTo(0.25);
    }

    @Test
    void shouldPublishExactlyOneLargerPlanForASustainedDoubling() throws Exception {
        ChainPlan first = startWithPlanAt(0.2, Map.of());
        // The doubling is planned for before the jitter around it arrives: records that arrive
        // together are evaluated together (the latest wins), and how many arrive together is up
        // to the machine's speed.
        h.demand(0.4, 0.02);
        h.awaitPlans(2);
        for (double r : new double[] {0.41, 0.39, 0.405, 0.4}) {
            h.demand(r, 0.02);
        }
        h.awaitDemandCommitted();

        List<ChainPlan> plans = h.plans();
        assertThat(plans).hasSize(2);
        ChainPlan second = plans.get(1);
        assertThat(second.getEpoch()).isEqualTo(2);
        assertThat(second.getTrigger().getKind()).isEqualTo(TriggerKind.DEMAND_SHIFT);
        assertThat(second.getInputs().getArrivalRatePerSecond()).isEqualTo(0.4);
        assertThat(second.getInputs().getFixedPlacement()).as("blocks moved").isEmpty();
        assertThat(second.getReplaces().getBlocksMoved()).isPositive();
        assertThat(second.getTotalServiceRatePerSecond()).isGreaterThan(first.getTotalServiceRatePerSecond());
        assertThat(second.getReplaces().getPreviousEpoch()).isEqualTo(1);
        assertThat(second.getReplaces().getReplaceLowerSeconds()).isNotNull();
        assertThat(second.getReplaces().getKeepPlacementLowerSeconds()).isNotNull();
        assertThat(second.getReplaces().getDecision()).isNotBlank();
    }

    @Test
    void shouldPublishNothingForARateFlappingInsideTheBand() throws Exception {
        startWithPlanAt(0.2, Map.of());
        for (int i = 0; i < 20; i++) {
            double r = i % 2 == 0 ? 0.23 : 0.17;
            h.demand(r, 0.01);
        }
        h.demand(0.32, 0.13);
        h.awaitDemandCommitted();

        assertThat(h.plans()).as("inside 20% or interval containing the planned rate").hasSize(1);
    }

    @Test
    void shouldDebounceARateFlappingAcrossTheBand() throws Exception {
        startWithPlanAt(0.2, Map.of(OptimizerConfig.MIN_INTERVAL_MS_CONFIG, "60000"));
        h.clock.advance(Duration.ofSeconds(1));
        for (int i = 0; i < 10; i++) {
            h.demand(i % 2 == 0 ? 0.4 : 0.2, 0.01);
        }
        h.demand(0.4, 0.01);
        h.awaitDemandCommitted();
        assertThat(h.plans()).as("deferred inside the interval").hasSize(1);

        h.clock.advance(Duration.ofSeconds(60));
        List<ChainPlan> plans = h.awaitPlans(2);
        assertThat(plans).hasSize(2);
        assertThat(plans.get(1).getInputs().getArrivalRatePerSecond()).isEqualTo(0.4);
        assertThat(plans.get(1).getCreatedAtMillis())
                .isEqualTo(plans.get(0).getCreatedAtMillis().plus(Duration.ofSeconds(61)));
    }

    @Test
    void shouldPublishAPlanWithoutAServerThatWentDown() throws Exception {
        ChainPlan first = startWithPlanAt(0.2, Map.of());
        String down = first.getPlacements().get(0).getServerId();
        h.server(Integer.parseInt(down.substring(4)), ServerStatus.DOWN);

        ChainPlan second = h.awaitPlans(2).get(1);
        assertThat(second.getTrigger().getKind()).isEqualTo(TriggerKind.SERVERS_CHANGED);
        assertThat(second.getTrigger().getDetail()).contains("down " + down);
        assertThat(second.getInputs().getServers()).extracting(ServerParameters::getServerId).doesNotContain(down)
                .hasSize(OptimizerHarness.SERVERS - 1);
        assertThat(second.getPlacements()).extracting(a -> a.getServerId()).doesNotContain(down);
        assertThat(second.getChains()).flatExtracting(c -> c.getHops()).extracting(x -> x.getServerId())
                .doesNotContain(down);
        assertThat(second.getStatus()).isEqualTo(PlanStatus.OK);
    }

    @Test
    void shouldPlanEveryOtherModelWhenOneModelsSolveThrowsAndLeaveOutImplausibleServers() throws Exception {
        String breaks = "a-model-whose-solve-throws";
        h.model(breaks);
        h.model();
        h.fleet();
        h.server(ServerEstimate.newBuilder().setServerId("b-gpu").setModelId(breaks)
                .setTimestampMillis(Instant.ofEpochMilli(h.clock.millis())).setMemoryBytes(40_000_000_000L)
                .setCommSeconds(0.05).setPerBlockComputeSeconds(0.1).setStatus(ServerStatus.UP)
                .setLastSeenMillis(Instant.ofEpochMilli(h.clock.millis())).build());
        // a day per block is a valid estimate, but 70 of them are not a server anyone plans with
        h.server(ServerEstimate.newBuilder().setServerId("slow").setModelId(MODEL)
                .setTimestampMillis(Instant.ofEpochMilli(h.clock.millis())).setMemoryBytes(40_000_000_000L)
                .setCommSeconds(0.05).setPerBlockComputeSeconds(86_400).setStatus(ServerStatus.UP)
                .setLastSeenMillis(Instant.ofEpochMilli(h.clock.millis())).build());
        h.demand(breaks, 1.0, 0.9, 1.1);
        h.demand(0.2, 0.01);
        io.chainplan.optimizer.replan.Solver paper = new io.chainplan.optimizer.replan.PaperSolver(1);
        io.chainplan.optimizer.replan.Solver throwing = new io.chainplan.optimizer.replan.Solver() {
            @Override
            public io.chainplan.optimizer.model.Plan solveFull(io.chainplan.optimizer.model.Fleet fleet,
                                                               io.chainplan.optimizer.model.Objective objective) {
                if (fleet.model().id().equals(breaks)) {
                    throw new IllegalArgumentException("Stream size exceeds max array size");
                }
                return paper.solveFull(fleet, objective);
            }

            @Override
            public io.chainplan.optimizer.model.Plan solveOnPlacement(io.chainplan.optimizer.model.Fleet fleet,
                    io.chainplan.optimizer.model.Objective objective, io.chainplan.optimizer.model.Placement placement) {
                return paper.solveOnPlacement(fleet, objective, placement);
            }
        };
        OptimizerMetrics metrics = new OptimizerMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        service = h.service("a", Map.of(), Map.of(), CrashHook.NONE, metrics, throwing);

        ChainPlan p = h.awaitPlans(1).get(0);
        assertThat(p.getModelId()).isEqualTo(MODEL);
        assertThat(p.getStatus()).isEqualTo(PlanStatus.OK);
        assertThat(p.getInputs().getServers()).extracting(ServerParameters::getServerId).doesNotContain("slow")
                .hasSize(OptimizerHarness.SERVERS);
        assertThat(p.getTrigger().getDetail()).contains("; excluded slow (server slow would take 6048000.05 s for one"
                + " request on the 70 blocks of model " + MODEL);
        assertThat(metrics.solveFailures()).isGreaterThanOrEqualTo(1);
        assertThat(metrics.sessionRestarts()).isZero();
        assertThat(h.plans()).extracting(ChainPlan::getModelId).containsOnly(MODEL);
    }

    @Test
    void shouldPlanAModelWhoseOnlySpecLeftOnTheModelsTopicIsBadFromItsAcceptedSpec() throws Exception {
        // compaction of the models topic left one record of the model, a bad spec; the accepted-models
        // topic (written by telemetry-ingest with every good spec) still holds the last good one
        ModelSpec good = ModelSpec.newBuilder().setId(MODEL).setBlocks(70).setBlockBytes(1_320_000_000L)
                .setCacheBytesPerBlockPerJob(110_000_000L).build();
        h.acceptedModel(good);
        h.model(ModelSpec.newBuilder(good).setBlockBytes(0).build());
        h.fleet();
        h.demand(0.2, 0.01);
        service = h.service("a", Map.of(), CrashHook.NONE);

        ChainPlan p = h.awaitPlans(1).get(0);
        assertThat(p.getModelId()).isEqualTo(MODEL);
        assertThat(p.getStatus()).isEqualTo(PlanStatus.OK);
        assertThat(p.getInputs().getModel().getBlockBytes()).isEqualTo(1_320_000_000L);
    }

    @Test
    void shouldPublishAnInfeasiblePlanWithAReason() throws Exception {
        h.model();
        h.server(ServerEstimate.newBuilder().setServerId("tiny").setModelId(MODEL)
                .setTimestampMillis(Instant.EPOCH).setMemoryBytes(1_000_000_000L).setCommSeconds(0.01)
                .setPerBlockComputeSeconds(0.1).setLastSeenMillis(Instant.EPOCH).build());
        h.demand(1.0, 0.1);
        service = h.service("a", Map.of(), CrashHook.NONE);

        ChainPlan p = h.awaitPlans(1).get(0);
        assertThat(p.getStatus()).isEqualTo(PlanStatus.INFEASIBLE);
        assertThat(p.getReason()).isNotBlank();
        assertThat(p.getBounds()).isNull();
        assertThat(p.getChains()).isEmpty();
    }

    @Test
    void shouldDeadLetterBadEstimatesAndKeepRunning() throws Exception {
        startWithPlanAt(0.2, Map.of());
        h.demand(MODEL, Double.NaN, 0, 1);
        h.demand("no-such-model", 1.0, 0.9, 1.1);
        h.server(ServerEstimate.newBuilder().setServerId("neg").setModelId(MODEL).setTimestampMillis(Instant.EPOCH)
                .setMemoryBytes(-5).setCommSeconds(0.01).setPerBlockComputeSeconds(0.1)
                .setLastSeenMillis(Instant.EPOCH).build());
        h.send(h.topics.demandEstimates(), MODEL, new byte[] {0, 0, 0, 0, 42, 1, 2});
        h.send(h.topics.serverEstimates(), "garbage", new byte[] {7, 7});
        h.demand(0.5, 0.01);

        List<ChainPlan> plans = h.awaitPlans(2);
        assertThat(plans.get(1).getInputs().getArrivalRatePerSecond()).isEqualTo(0.5);
        assertThat(plans.get(1).getInputs().getServers()).extracting(ServerParameters::getServerId)
                .doesNotContain("neg", "garbage");
        OptimizerHarness.await("5 dead letters", () -> h.deadLetters().size() >= 5);
        List<ConsumerRecord<byte[], byte[]>> dl = h.deadLetters();
        assertThat(dl).hasSize(5);
        assertThat(dl).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.HEADER_STAGE))
                .containsExactlyInAnyOrder("validate", "unknown-model", "validate", "deserialize", "deserialize");
        assertThat(dl).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.HEADER_EXCEPTION_MESSAGE))
                .anySatisfy(m -> assertThat(m).contains("NaN"))
                .anySatisfy(m -> assertThat(m).contains("unknown model no-such-model"))
                .anySatisfy(m -> assertThat(m).contains("memoryBytes of server neg"));
        assertThat(service.metrics().deadLetters()).isEqualTo(5);
    }

    private OptimizerService restart(String instance, Map<String, String> extra) throws Exception {
        if (service != null) {
            service.close();
        }
        service = h.service(instance, extra, CrashHook.NONE);
        return service;
    }

    private static InputFailureException awaitFailure(OptimizerService s) throws Exception {
        assertThat(s.awaitTermination(Duration.ofSeconds(30))).as("stopped").isTrue();
        assertThat(s.failure()).isInstanceOf(InputFailureException.class);
        return (InputFailureException) s.failure();
    }

    @Test
    void shouldStopOnABadDemandEstimateUnderFailAndAgainAfterARestartUntilTheModeChanges() throws Exception {
        Map<String, String> fail = Map.of(OptimizerConfig.DEMAND_FAILURE_MODE_CONFIG, "fail");
        startWithPlanAt(0.2, fail);
        h.demand(MODEL, Double.NaN, 0, 1);

        InputFailureException first = awaitFailure(service);
        assertThat(first.topic()).isEqualTo(h.topics.demandEstimates());
        assertThat(first.stage()).isEqualTo("validate");
        assertThat(first.getMessage()).contains("NaN").contains("@" + first.offset());

        InputFailureException again = awaitFailure(restart("a", fail));
        assertThat(again.offset()).as("the offset was not committed").isEqualTo(first.offset());

        restart("a", Map.of(OptimizerConfig.DEMAND_FAILURE_MODE_CONFIG, "log-and-skip"));
        h.demand(0.5, 0.01);
        List<ChainPlan> plans = h.awaitPlans(2);
        assertThat(plans.get(1).getInputs().getArrivalRatePerSecond()).isEqualTo(0.5);
        assertThat(service.metrics().skippedRecords()).isEqualTo(1);
        assertThat(service.metrics().deadLetters()).isZero();
        h.awaitDemandCommitted();
        assertThat(h.deadLetters()).isEmpty();
    }

    @Test
    void shouldLogAndSkipBadServerEstimatesWithoutDeadLetters() throws Exception {
        startWithPlanAt(0.2, Map.of(OptimizerConfig.SERVERS_FAILURE_MODE_CONFIG, "log-and-skip"));
        h.server(ServerEstimate.newBuilder().setServerId("neg").setModelId(MODEL).setTimestampMillis(Instant.EPOCH)
                .setMemoryBytes(-5).setCommSeconds(0.01).setPerBlockComputeSeconds(0.1)
                .setLastSeenMillis(Instant.EPOCH).build());
        h.send(h.topics.serverEstimates(), "garbage", new byte[] {7, 7});

        OptimizerHarness.await("2 skipped", () -> service.metrics().skippedRecords() == 2);
        h.demand(0.5, 0.01);
        List<ChainPlan> plans = h.awaitPlans(2);
        assertThat(plans.get(1).getInputs().getServers()).extracting(ServerParameters::getServerId)
                .doesNotContain("neg", "garbage");
        assertThat(service.metrics().deadLetters()).isZero();
        assertThat(service.failure()).isNull();
    }

    @Test
    void shouldKeepTheLastGoodModelSpecWhenABadOneIsDeadLettered() throws Exception {
        startWithPlanAt(0.2, Map.of());
        h.model(io.chainplan.schemas.avro.ModelSpec.newBuilder().setId(MODEL).setBlocks(0).setBlockBytes(1)
                .setCacheBytesPerBlockPerJob(1).build());
        h.send(h.topics.models(), MODEL, new byte[] {0, 0, 0, 0, 99});
        h.demand(0.4, 0.01);

        List<ChainPlan> plans = h.awaitPlans(2);
        assertThat(plans.get(1).getInputs().getModel().getBlocks()).as("last good spec").isEqualTo(70);
        assertThat(plans.get(1).getTrigger().getKind()).isEqualTo(TriggerKind.DEMAND_SHIFT);
        OptimizerHarness.await("2 dead letters", () -> h.deadLetters().size() >= 2);
        assertThat(h.deadLetters()).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.HEADER_STAGE))
                .containsExactly("validate", "deserialize");
        assertThat(h.deadLetters()).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.HEADER_TOPIC))
                .containsOnly(h.topics.models());
    }

    @Test
    void shouldFailOnRestartWhileTheLatestModelSpecIsBadUnderFail() throws Exception {
        Map<String, String> fail = Map.of(OptimizerConfig.MODELS_FAILURE_MODE_CONFIG, "fail");
        startWithPlanAt(0.2, fail);
        h.model(io.chainplan.schemas.avro.ModelSpec.newBuilder().setId(MODEL).setBlocks(0).setBlockBytes(1)
                .setCacheBytesPerBlockPerJob(1).build());

        InputFailureException live = awaitFailure(service);
        assertThat(live.topic()).isEqualTo(h.topics.models());
        InputFailureException onRestore = awaitFailure(restart("a", fail));
        assertThat(onRestore.offset()).isEqualTo(live.offset());

        h.model();
        restart("a", fail);
        h.demand(0.4, 0.01);
        assertThat(h.awaitPlans(2).get(1).getInputs().getArrivalRatePerSecond()).isEqualTo(0.4);
        assertThat(service.failure()).isNull();
    }

    @Test
    void shouldExposeTheMetersOnThePrometheusEndpoint() throws Exception {
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry =
                new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                        io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        h.model();
        h.fleet();
        h.demand(0.2, 0.01);
        h.demand("no-such-model", 1.0, 0.9, 1.1);
        service = h.service("a", Map.of(), Map.of(), CrashHook.NONE, new OptimizerMetrics(registry));
        h.awaitPlans(1);
        OptimizerConfig config = h.config("a", Map.of(OptimizerConfig.METRICS_PORT_CONFIG, "0"));

        try (io.chainplan.metrics.PrometheusEndpoint endpoint = io.chainplan.metrics.PrometheusEndpoint.start(registry,
                config.metricsPort(), OptimizerConfig.METRICS_PORT_CONFIG).orElseThrow()) {
            java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + endpoint.port()
                            + "/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains(
                    "chainplan_optimizer_solves_total{status=\"OK\",trigger=\"INITIAL\"} 1.0",
                    "chainplan_optimizer_solve_time_seconds_count 1",
                    "chainplan_optimizer_plans_published_total{kept=\"false\",status=\"OK\"} 1.0",
                    "chainplan_optimizer_triggers_total{action=\"solve\",kind=\"INITIAL\"} 1.0",
                    "chainplan_optimizer_dead_letters_total{stage=\"unknown-model\",topic=\""
                            + h.topics.demandEstimates() + "\"} 1.0",
                    "chainplan_optimizer_owned_models 1.0");
        }
    }
}
