package dev.consulmesh.traffic;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CanaryRuleTest {

    private static final String WHERE = "mesh.client.services.news.canary";

    @Test
    void settingsThatNameNoCanaryGiveNoRule() {
        assertThat(CanaryRule.of(null, null, null, null, null, WHERE)).isNull();
        assertThat(CanaryRule.of(" ", "", 0.0, " ", null, WHERE)).as("blank settings and a share of 0").isNull();
    }

    @Test
    void aTagMarksTheCanaryAndTheShareIsZeroUnlessSet() {
        CanaryRule rule = CanaryRule.of(" canary ", null, null, null, null, WHERE);
        assertThat(rule).isEqualTo(new CanaryRule("canary", null, null, 0, null, null));
        assertThat(rule.describe()).isEqualTo("tag canary");
    }

    @Test
    void metadataIsReadAsKeyEqualsValue() {
        CanaryRule rule = CanaryRule.of(null, " version = 2 ", 5.0, "X-Canary", "yes", WHERE);
        assertThat(rule).isEqualTo(new CanaryRule(null, "version", "2", 5.0, "X-Canary", "yes"));
        assertThat(rule.describe()).isEqualTo("version=2");
    }

    @Test
    void aShareOutsideZeroToHundredNamesThePercentProperty() {
        for (double percent : new double[]{-1, 100.5, Double.NaN}) {
            assertThatThrownBy(() -> CanaryRule.of("canary", null, percent, null, null, WHERE))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(WHERE + ".percent must be 0..100 (percent of calls), got " + percent);
        }
        assertThat(CanaryRule.of("canary", null, 100.0, null, null, WHERE).percent()).isEqualTo(100.0);
        assertThat(CanaryRule.of("canary", null, 0.0, null, null, WHERE).percent()).isZero();
    }

    @Test
    void aShareOrAHeaderWithoutACanaryMarkerIsRefusedNamingWhatToSet() {
        String message = WHERE + " sends calls to canary instances but names none: set " + WHERE + ".tag or " + WHERE
                + ".meta (key=value)";
        assertThatThrownBy(() -> CanaryRule.of(null, null, 5.0, null, null, WHERE))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
        assertThatThrownBy(() -> CanaryRule.of("", " ", null, "X-Canary", null, WHERE))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void metadataThatIsNotKeyEqualsValueNamesTheMetaProperty() {
        for (String meta : new String[]{"version", "=2", "version="}) {
            assertThatThrownBy(() -> CanaryRule.of(null, meta, 5.0, null, null, WHERE))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(WHERE + ".meta must be key=value (e.g. version=2), got '" + meta + "'");
        }
    }

    @Test
    void aCallWithTheHeaderGoesToTheCanaryWhateverTheShare() {
        CanaryRule anyValue = CanaryRule.of("canary", null, 0.0, "X-Canary", null, WHERE);
        assertThat(anyValue.takes(Map.of("X-Canary", "whatever")::get)).isTrue();
        assertThat(anyValue.takes(Map.<String, String>of()::get)).isFalse();
        assertThat(anyValue.takes(null)).as("no headers handed over").isFalse();

        CanaryRule oneValue = CanaryRule.of("canary", null, 0.0, "X-Canary", "yes", WHERE);
        assertThat(oneValue.takes(Map.of("X-Canary", "yes")::get)).isTrue();
        assertThat(oneValue.takes(Map.of("X-Canary", "no")::get)).isFalse();
    }

    @Test
    void withoutTheHeaderTheShareOfCallsGoesToTheCanary() {
        assertThat(CanaryRule.of("canary", null, 100.0, null, null, WHERE).takes(null)).isTrue();
        CanaryRule share = CanaryRule.of("canary", null, 30.0, null, null, WHERE);
        int calls = 50_000;
        int taken = 0;
        for (int i = 0; i < calls; i++) {
            if (share.takes(null)) {
                taken++;
            }
        }
        assertThat(taken / (double) calls).isCloseTo(0.30, within(0.02));
    }
}
