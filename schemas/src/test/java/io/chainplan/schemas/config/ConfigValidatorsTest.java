package io.chainplan.schemas.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ConfigValidatorsTest {
    @Test
    void shouldRefuseNaNAndInfinityWhichKafkasRangeLetsThrough() {
        ConfigDef.Validator positive = ConfigValidators.finiteAbove(0);

        assertThatCode(() -> ConfigDef.Range.atLeast(0).ensureValid("k", Double.NaN)).doesNotThrowAnyException();
        assertThatThrownBy(() -> positive.ensureValid("k", Double.NaN))
                .isInstanceOf(ConfigException.class).hasMessage("Invalid value NaN for configuration k: Value must be > 0");
        assertThatThrownBy(() -> positive.ensureValid("k", Double.POSITIVE_INFINITY)).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> positive.ensureValid("k", 0.0)).isInstanceOf(ConfigException.class);
        positive.ensureValid("k", 1e-9);
    }

    @Test
    void shouldHonourOpenAndClosedEnds() {
        ConfigDef.Validator open = ConfigValidators.open(0, 1);
        ConfigDef.Validator closedOpen = ConfigValidators.closedOpen(0, 1);

        assertThatThrownBy(() -> open.ensureValid("load", 1.0)).hasMessage("Invalid value 1.0 for configuration load: "
                + "Value must be in (0, 1)");
        assertThatThrownBy(() -> open.ensureValid("load", 0.0)).isInstanceOf(ConfigException.class);
        closedOpen.ensureValid("gain", 0.0);
        assertThatThrownBy(() -> closedOpen.ensureValid("gain", 1.0)).isInstanceOf(ConfigException.class);
        assertThat(closedOpen).hasToString("[0, 1)");
        assertThat(ConfigValidators.finiteAtLeast(0.5)).hasToString(">= 0.5");
    }

    @Test
    void shouldAcceptChoicesInAnyCaseAndListThemInOrder() {
        ConfigDef.Validator modes = ConfigValidators.failureMode();

        modes.ensureValid("mode", " Log-And-Skip ");
        assertThat(modes).hasToString("fail, log-and-skip, dead-letter");
        assertThatThrownBy(() -> modes.ensureValid("mode", "ignore"))
                .hasMessage("Invalid value ignore for configuration mode: must be one of fail, log-and-skip, dead-letter");
    }

    @Test
    void shouldRefuseBlankStringsEmptyListsAndNonHttpUrls() {
        assertThatThrownBy(() -> ConfigValidators.nonBlank().ensureValid("id", " ")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> ConfigValidators.nonEmptyList().ensureValid("labels", List.of()))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> ConfigValidators.nonEmptyList().ensureValid("labels", List.of("a", "")))
                .isInstanceOf(ConfigException.class);
        ConfigValidators.httpUrls().ensureValid("url", "http://a:8081, https://b");
        assertThatThrownBy(() -> ConfigValidators.httpUrls().ensureValid("url", "http://a:8081,"))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> ConfigValidators.httpUrls().ensureValid("url", "ftp://a"))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void shouldRunTheValidatorADefinitionDeclares() {
        ConfigDef def = new ConfigDef().define("port", ConfigDef.Type.INT, 1, ConfigDef.Range.between(-1, 65535),
                ConfigDef.Importance.LOW, "a port");

        ConfigValidators.ensureValid(def, "port", 80);
        assertThatThrownBy(() -> ConfigValidators.ensureValid(def, "port", 70000))
                .hasMessageContaining("port").hasMessageContaining("70000");
        assertThatThrownBy(() -> ConfigValidators.ensureValid(def, "other", 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
