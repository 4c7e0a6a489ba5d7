package io.chainplan.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainplan.schemas.avro.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** Confluent's rules for versions, ids and deletes, and replaying the changes that made a state. */
class RegistryStateTest {
    private static final Schema V1 = SchemaRegistryContract.V1;
    private static final Schema V2 = ModelSpec.getClassSchema();
    private static final Schema BREAKING = SchemaRegistryContract.V2_BREAKING;

    /** A state that records every change it applies, to replay them into a fresh one. */
    private final RegistryState state = new RegistryState();
    private final List<RegistryState.Change> log = new ArrayList<>();

    private <T> T run(RegistryState.Plan<T> plan) {
        log.addAll(plan.changes());
        return state.apply(plan);
    }

    private static int code(Runnable r) {
        try {
            r.run();
        } catch (SchemaRegistryException e) {
            return e.errorCode();
        }
        throw new AssertionError("no SchemaRegistryException");
    }

    @Test
    void shouldKeepIdsOfSoftDeletedVersionsAndForgetThemWhenRemoved() {
        int id = run(state.planRegister("m-value", V1)).id();
        run(state.planRegister("m-value", V2));

        assertThat(run(state.planDeleteSubject("m-value", false))).containsExactly(1, 2);

        assertThat(state.latest("m-value")).isEmpty();
        assertThat(state.subjects()).isEmpty();
        assertThat(state.subjects(true, false)).containsExactly("m-value");
        assertThat(state.schemaById(id)).isEqualTo(V1);
        assertThat(code(() -> state.planDeleteSubject("m-value", false))).isEqualTo(SchemaRegistryException.SUBJECT_SOFT_DELETED);

        assertThat(run(state.planDeleteSubject("m-value", true))).containsExactly(1, 2);

        assertThat(code(() -> state.schemaById(id))).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND);
        assertThat(code(() -> state.versions("m-value", true))).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND);
        assertThat(run(state.planRegister("m-value", V1)).id()).as("a removed id is not reused").isGreaterThan(id + 1);
    }

    @Test
    void shouldRequireASoftDeleteBeforeAPermanentOne() {
        run(state.planRegister("m-value", V1));

        assertThat(code(() -> state.planDeleteSubject("m-value", true))).isEqualTo(SchemaRegistryException.SUBJECT_NOT_SOFT_DELETED);
        assertThat(code(() -> state.planDeleteVersion("m-value", 1, true))).isEqualTo(SchemaRegistryException.VERSION_NOT_SOFT_DELETED);
        run(state.planDeleteVersion("m-value", 1, false));
        assertThat(code(() -> state.planDeleteVersion("m-value", 1, false))).isEqualTo(SchemaRegistryException.VERSION_SOFT_DELETED);
        assertThat(code(() -> state.planDeleteVersion("m-value", 2, false))).isEqualTo(SchemaRegistryException.VERSION_NOT_FOUND);
        assertThat(code(() -> state.planDeleteVersion("other", 1, false))).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND);
    }

    @Test
    void shouldCheckCompatibilityAgainstLiveVersionsOnlyAndNumberPastDeletedOnes() {
        run(state.planRegister("m-value", V1));
        run(state.planRegister("m-value", V2));
        run(state.planDeleteVersion("m-value", 2, false));

        assertThat(code(() -> state.planRegister("m-value", BREAKING))).isEqualTo(SchemaRegistryException.INCOMPATIBLE);
        run(state.planDeleteVersion("m-value", 1, false));
        RegisteredSchema r = run(state.planRegister("m-value", BREAKING));

        assertThat(r.version()).isEqualTo(3);
        assertThat(state.versions("m-value")).extracting(RegisteredSchema::version).containsExactly(3);
    }

    @Test
    void shouldRemoveTheSubjectsOwnLevelAndModeWithItsLastVersion() {
        run(state.planRegister("m-value", V1));
        run(state.planSetLevel("m-value", CompatibilityLevel.FULL));
        run(state.planSetMode("m-value", "readwrite"));
        run(state.planDeleteVersion("m-value", 1, false));

        run(state.planDeleteVersion("m-value", 1, true));

        assertThat(state.ownLevel("m-value")).isEmpty();
        assertThat(state.ownMode("m-value")).isEmpty();
        assertThat(state.level("m-value")).isEqualTo(CompatibilityLevel.BACKWARD);
    }

    @Test
    void shouldRefuseModesOtherThanReadWrite() {
        assertThat(code(() -> state.planSetMode(null, "READONLY"))).isEqualTo(SchemaRegistryException.OPERATION_NOT_PERMITTED);
        assertThat(code(() -> state.planSetMode("s", "FORWARD"))).isEqualTo(SchemaRegistryException.INVALID_MODE);
        assertThat(code(() -> state.planSetMode("s", "nonsense"))).isEqualTo(SchemaRegistryException.INVALID_MODE);
        assertThat(state.planSetMode(null, "READWRITE").changes()).isEmpty();
    }

    @Test
    void shouldRebuildTheSameStateFromItsChanges() {
        int a = run(state.planRegister("a-value", V1)).id();
        run(state.planRegister("a-value", V2));
        run(state.planRegister("b-value", V1));
        run(state.planSetLevel("b-value", CompatibilityLevel.NONE));
        run(state.planSetLevel(null, CompatibilityLevel.FULL));
        run(state.planDeleteVersion("a-value", 1, false));
        run(state.planDeleteSubject("b-value", false));
        run(state.planDeleteSubject("b-value", true));

        RegistryState replayed = new RegistryState();
        log.forEach(replayed::apply);
        log.forEach(replayed::apply);

        assertThat(replayed.subjects(true, false)).containsExactly("a-value");
        assertThat(replayed.versions("a-value")).extracting(RegisteredSchema::version).containsExactly(2);
        assertThat(replayed.versions("a-value", true)).extracting(RegisteredSchema::version).containsExactly(1, 2);
        assertThat(replayed.schemaById(a)).isEqualTo(V1);
        assertThat(replayed.level(null)).isEqualTo(CompatibilityLevel.FULL);
        assertThat(replayed.ownLevel("b-value")).isEmpty();
        assertThat(replayed.planRegister("c-value", BREAKING).result().id()).isEqualTo(state.planRegister("c-value", BREAKING).result().id());
    }
}
