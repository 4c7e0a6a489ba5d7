package io.chainplan.local.loop;

import java.util.Locale;
import java.util.function.Supplier;

/** The built-in fleets of {@code chainplan local} ({@code --fleet-preset}), each with its default arrival rate. */
public enum FleetPreset {
    /**
     * The default: LLaMA-2-70B on 2 x A100-80GB, 4 x A100-40GB and 4 x A10 ({@link SimFleet#mixed70b()}) at 4 req/s,
     * which two chains of the A100s carry; the {@code shift} scenario's 8 req/s needs every GPU and more cache.
     */
    MIXED_70B("70b-mixed", SimFleet::mixed70b, 4.0),
    /**
     * The paper's PETALS deployment: LLaMA-2-7B on nine A100 MIG slices ({@link SimFleet#paperMig()}) at 5 req/s,
     * about half of what PETALS' placement carries; whole-model chains, so a shift keeps the placement.
     */
    MIG("mig", SimFleet::paperMig, 5.0);

    private final String cliName;
    private final Supplier<SimFleet> fleet;
    private final double defaultRatePerSecond;

    FleetPreset(String cliName, Supplier<SimFleet> fleet, double defaultRatePerSecond) {
        this.cliName = cliName;
        this.fleet = fleet;
        this.defaultRatePerSecond = defaultRatePerSecond;
    }

    /** @return the command-line name, e.g. {@code 70b-mixed} */
    public String cliName() {
        return cliName;
    }

    /** @return the fleet */
    public SimFleet fleet() {
        return fleet.get();
    }

    /** @return the Poisson rate a run uses unless {@code --rate} says otherwise, req/s */
    public double defaultRatePerSecond() {
        return defaultRatePerSecond;
    }

    /**
     * @param name a command-line name, case-insensitive
     * @return the preset
     * @throws IllegalArgumentException naming the option and the choices if there is none
     */
    public static FleetPreset fromCliName(String name) {
        for (FleetPreset p : values()) {
            if (p.cliName.equals(name.trim().toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException("--fleet-preset must be 70b-mixed or mig, was " + name);
    }
}
