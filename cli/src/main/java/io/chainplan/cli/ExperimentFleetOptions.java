package io.chainplan.cli;

import io.chainplan.optimizer.fleets.PaperFleets;
import io.chainplan.cli.format.FleetFileException;
import io.chainplan.cli.format.FleetFiles;
import io.chainplan.optimizer.model.Fleet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Options choosing an experiment's fleet: a fleet file, or a generated paper-style fleet. */
final class ExperimentFleetOptions {
    @Option(names = "--fleet", paramLabel = "FILE", description = "Fleet file; default: a generated paper-style fleet.")
    Path fleetFile;

    @Option(names = "--servers", paramLabel = "J", defaultValue = "20", description = "Servers of the generated fleet (default ${DEFAULT-VALUE}).")
    int servers;

    @Option(names = "--eta", paramLabel = "X", defaultValue = "0.2", description = "Fraction of 40 GB servers (default ${DEFAULT-VALUE}).")
    double eta;

    @Option(names = "--fleet-seed", paramLabel = "S", defaultValue = "1", description = "Seed of the fleet generator (default ${DEFAULT-VALUE}).")
    long fleetSeed;

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    @Option(names = "--rtt-csv", paramLabel = "PATH", defaultValue = "../shared/data/ripe-atlas-eu-rtt.csv",
            description = "RIPE Atlas RTTs for the generated fleet (default ${DEFAULT-VALUE}); uniform 5-60 ms if absent.")
    Path rttCsv;

    /** @return the fleet and a one-line description of where it came from */
    Loaded load() throws IOException {
        if (fleetFile != null) {
            try {
                return new Loaded(FleetFiles.read(fleetFile), "fleet file " + fleetFile);
            } catch (FleetFileException e) {
                throw new UsageException(e.getMessage());
            }
        }
        if (servers < 1 || !(eta >= 0 && eta <= 1)) {
            throw new UsageException("need --servers >= 1 and --eta in [0, 1], were " + servers + " and " + eta);
        }
        List<Double> rtt = CliSupport.rttSamples(rttCsv, mixee);
        Fleet f = PaperFleets.generate(servers, eta, rtt, new SplittableRandom(fleetSeed));
        return new Loaded(f, String.format(java.util.Locale.ROOT, "paper-style fleet J=%d eta=%.2f fleet-seed=%d, %s",
                servers, eta, fleetSeed, rtt.isEmpty() ? "RTT uniform 5-60 ms" : "RTT from " + rttCsv));
    }

    /** A fleet and its provenance. */
    record Loaded(Fleet fleet, String description) {
    }
}
