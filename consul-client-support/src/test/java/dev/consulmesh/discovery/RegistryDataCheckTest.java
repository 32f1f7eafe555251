package dev.consulmesh.discovery;

import dev.consulmesh.consul.internal.ConsulHealthApi;
import dev.consulmesh.metrics.MeshMetrics;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Consul lists, read as the watcher reads it (Consul's JSON through Jackson), through the registry
 * check: unusable instances skipped with a finding, bad values replaced, weights clamped, each counted.
 */
class RegistryDataCheckTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MeshMetrics metrics = MeshMetrics.inMemory();
    private final RegistryDataCheck check = new RegistryDataCheck("news", null, 10, metrics);

    private static List<ConsulHealthApi.Entry> answer(String json) {
        return JSON.readValue(json.replace('\'', '"'), new TypeReference<List<ConsulHealthApi.Entry>>() { });
    }

    private static String entry(String id, String address, Object port, String extra) {
        return "{'Node':{'Node':'n1','Address':'127.0.0.1','Datacenter':'dc1'},'Service':{'ID':" + id + ",'Service':'news',"
                + "'Address':" + address + ",'Port':" + port + extra + "},'Checks':[]}";
    }

    private double counted(String reason) {
        return metrics.registry().counter("mesh.discovery.registry.rejected", "reason", reason).count();
    }

    @Test
    void anInstanceIdWithCrLfIsSkippedAndNamedPrintably() {
        RegistryDataCheck.Result result = check.check(answer("[" + entry("'news-1'", "'127.0.0.1'", 4001, "") + ","
                + entry("'evil\\r\\nSet-Cookie: x=1'", "'127.0.0.1'", 4002, "") + "]"));

        assertThat(result.instances()).extracting(checked -> checked.node().instanceId()).containsExactly("news-1");
        assertThat(result.findings()).singleElement().satisfies(finding -> {
            assertThat(finding.reason()).isEqualTo("id-invalid");
            assertThat(finding.action()).isEqualTo("skipped");
            assertThat(finding.instance()).isEqualTo("evil\\u000d\\u000aSet-Cookie: x=1");
        });
        assertThat(counted("id-invalid")).isEqualTo(1);
    }

    @Test
    void duplicateIdsBadPortsAndBadAddressesAreSkipped() {
        RegistryDataCheck.Result result = check.check(answer("[" + entry("'a'", "'127.0.0.1'", 4001, "") + ","
                + entry("'a'", "'127.0.0.2'", 4001, "") + "," + entry("'b'", "'127.0.0.1'", 0, "") + ","
                + entry("'c'", "'127.0.0.1'", 70000, "") + "," + entry("'d'", "'bad host\\n'", 4001, "") + ","
                + entry("'e'", "'" + "x".repeat(300) + "'", 4001, "") + "," + entry("'f'", "'::1'", 4001, "") + ","
                + entry("'g'", "'news-3.internal'", 4001, "") + "," + entry("'h'", "null", "null", "") + "]"));

        assertThat(result.instances()).extracting(checked -> checked.node().instanceId()).containsExactly("a", "f", "g");
        assertThat(result.instances().get(0).node().host()).isEqualTo("127.0.0.1");
        assertThat(result.findings()).extracting(RegistryDataCheck.Finding::reason).containsExactly("duplicate-id",
                "port-invalid", "port-invalid", "address-invalid", "address-invalid", "port-invalid");
        // "h" had no service address: its node's (127.0.0.1) is used, then its missing port skips it
    }

    @Test
    void membersWithoutAPortAreKeptByIdAndBadIdsStillSkipped() {
        RegistryDataCheck members = new RegistryDataCheck("news-callers", null, 10, RegistryDataCheck.Purpose.MEMBERSHIP, metrics);

        RegistryDataCheck.Result result = members.check(answer("[" + entry("'caller-a'", "''", "null", "") + ","
                + entry("'caller-b'", "'bad host\\n'", 0, "") + "," + entry("'caller-a'", "''", "null", "") + ","
                + entry("'evil\\r\\n'", "''", "null", "") + "]"));

        assertThat(result.instances()).extracting(checked -> checked.node().instanceId()).containsExactly("caller-a", "caller-b");
        assertThat(result.instances()).extracting(checked -> checked.node().port()).containsExactly(0, 0);
        assertThat(result.instances().get(1).node().host()).as("a bad address is left empty, never routed to").isEmpty();
        assertThat(result.findings()).extracting(RegistryDataCheck.Finding::reason).containsExactly("duplicate-id", "id-invalid");
    }

    @Test
    void badMetadataAndTagsAreDroppedAndTheInstanceUsed() {
        RegistryDataCheck.Result result = check.check(answer("[" + entry("'a'", "'127.0.0.1'", 4001,
                ",'Tags':['ok','bad\\u0000tag','" + "t".repeat(300) + "'],'Meta':{'version':'2','zone':'eu\\u202e1','x':'"
                        + "v".repeat(600) + "'}") + "]"));

        ServiceNode node = result.instances().get(0).node();
        assertThat(node.tags()).containsExactly("ok");
        assertThat(node.meta()).isEqualTo(Map.of("version", "2"));
        assertThat(result.findings()).extracting(RegistryDataCheck.Finding::reason, RegistryDataCheck.Finding::action)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("meta-dropped", "used"),
                        org.assertj.core.groups.Tuple.tuple("tags-dropped", "used"));
    }

    @Test
    void weightsOverTheRatioAreClampedAndShown() {
        RegistryDataCheck.Result result = check.check(answer("[" + entry("'a'", "'127.0.0.1'", 4001, ",'Weights':{'Passing':1,'Warning':1}")
                + "," + entry("'b'", "'127.0.0.1'", 4002, ",'Weights':{'Passing':3,'Warning':1}")
                + "," + entry("'big'", "'127.0.0.1'", 4003, ",'Weights':{'Passing':10000,'Warning':10000}") + "]"));

        assertThat(result.instances()).extracting(checked -> checked.node().weights())
                .containsExactly(new ServiceWeights(1, 1), new ServiceWeights(3, 1), new ServiceWeights(10, 10));
        assertThat(result.findings()).singleElement().satisfies(finding -> {
            assertThat(finding.instance()).isEqualTo("big");
            assertThat(finding.reason()).isEqualTo("weight-clamped");
            assertThat(finding.detail()).contains("10000").contains("clamped to 10, 10");
        });
        assertThat(counted("weight-clamped")).isEqualTo(1);
    }

    @Test
    void checkOutputIsCleanedAndBounded() {
        String checks = "[{'Name':'ttl','Status':'critical','Output':'down\\r\\nFAKE LOG LINE " + "o".repeat(3000) + "'}]";
        RegistryDataCheck.Result result = check.check(answer("[" + entry("'a'", "'127.0.0.1'", 4001, "").replace("'Checks':[]",
                "'Checks':" + checks) + "]"));

        InstanceHealth health = result.instances().get(0).health();
        assertThat(health.status()).isEqualTo(InstanceHealth.Status.CRITICAL);
        assertThat(health.output()).doesNotContain("\r", "\n").startsWith("ttl: down\\u000d\\u000aFAKE LOG LINE")
                .hasSizeLessThanOrEqualTo(RegistryDataCheck.MAX_CHECK_TEXT + 3);
    }

    @Test
    void printableShowsUnsafeCharactersEscapedAndKeepsSurrogatePairsWhole() {
        assertThat(RegistryDataCheck.printable("a\u0007b\u2028c", 80)).isEqualTo("a\\u0007b\\u2028c");
        assertThat(RegistryDataCheck.printable("x\ud83d\ude00y", 80)).isEqualTo("x\ud83d\ude00y");
        assertThat(RegistryDataCheck.printable("x\ud83d", 80)).isEqualTo("x\\ud83d");
        assertThat(RegistryDataCheck.printable("abcdef", 3)).isEqualTo("abc...");
    }
}
