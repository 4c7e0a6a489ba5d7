package io.chainplan.local.loop;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link RunSummary.PeriodRow#missCause()}: which of estimate, model or queueing explains a period out of band. */
class RunSummaryMissCauseTest {
    private static Stats stats(double mean, double ci) {
        return new Stats(100, mean, ci, mean, mean, mean, mean);
    }

    /** A plan predicting 1.0 .. 1.2 s, measured 7.2 +- 0.1 s, service measured as given, true model 7.0 s. */
    private static RunSummary.PeriodRow period(double trueLower, double trueUpper, double measuredService) {
        return new RunSummary.PeriodRow(3, 0, 100, stats(7.2, 0.1), 1.0, 1.2, trueLower, trueUpper, 0.05, 0.95, 1.26, true,
                stats(measuredService, 0.05), 7.0, 0);
    }

    @Test
    void shouldBlameTheEstimateWhenTheTrueInputBandHoldsTheMeasurement() {
        assertThat(period(7.0, 8.0, 7.0).missCause()).contains("estimate");
    }

    @Test
    void shouldBlameTheModelWhenServiceDiffersFromTheTrueCostModels() {
        assertThat(period(5.0, 6.0, 6.0).missCause()).contains("model");
    }

    @Test
    void shouldBlameQueueingWhenServiceIsAsModelledButTheResponseIsNot() {
        assertThat(period(5.0, 6.0, 7.1).missCause()).contains("queueing");
    }

    @Test
    void shouldExplainNothingInBand() {
        RunSummary.PeriodRow in = new RunSummary.PeriodRow(3, 0, 100, stats(1.1, 0.1), 1.0, 1.2, 1.0, 1.2, 0.05, 0.95, 1.26, true,
                stats(1.1, 0.05), 1.1, 0);
        assertThat(in.missCause()).isEmpty();
    }

    @Test
    void shouldCountAMeanInsideTheBandWidenedByTheRateIntervalAsWithinTheEstimatesError() {
        RunSummary.PeriodRow slower = new RunSummary.PeriodRow(3, 0, 100, stats(1.9, 0.1), 1.0, 1.2, 1.0, 1.2, 0.05,
                0.7, 2.0, true, stats(1.1, 0.05), 1.1, 0);
        assertThat(slower.inBand()).isFalse();
        assertThat(slower.inBandWithinEstimateError()).isTrue();
        assertThat(slower.missCause()).isEmpty();
    }

    @Test
    void shouldNotJudgeAPeriodSomeOfWhoseRequestsNeverCompleted() {
        RunSummary.PeriodRow cutOff = new RunSummary.PeriodRow(3, 0, 100, stats(7.2, 0.1), 1.0, 1.2, 5.0, 6.0, 0.05, 0.95, 1.26, true,
                stats(6.0, 0.05), 7.0, 1);
        assertThat(cutOff.judged()).isFalse();
        assertThat(cutOff.missCause()).isEmpty();
        assertThat(period(5.0, 6.0, 6.0).judged()).isTrue();
    }
}
