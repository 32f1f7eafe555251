package dev.consulmesh.gateway;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import dev.consulmesh.testsupport.ProjectPaths;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Keeps the benchmark harness working: runs {@code bench/run.sh --smoke}, which starts a Consul dev agent,
 * two push-service nodes and the gateway, the NestJS HTTP app with its Nest TCP microservice, and the bare
 * WebFlux baseline, and drives each for seconds with wrk and vegeta; then a few discovery-freshness trials,
 * the scale phase with one and two lightweight nodes, fresh gateways for the warm-start part (plain and with
 * an AppCDS archive), gateways and nodes with tracing off, at 10 % and 100 %, gateways with every traffic
 * rule off and with some on (the older gateway of the traffic part is not built in smoke), and each JMH
 * microbenchmark once. It checks that the run wrote its results, JMH's, the gateway's profile and the chart
 * included, that no system answered a request with an error, that each transport client (ours in both modes, Nest's) finished, that every
 * freshness trial finished, that each node of the scale phase answered, that each warm-start gateway answered
 * and was driven without errors, that each tracing setting served and the fully sampled one exported spans,
 * and that both traffic variants served without errors with their gateway's CPU measured; it asserts nothing
 * about speed.
 *
 * <p>Needs wrk, node/npm, python3 (with matplotlib for /usr/bin/python3) and vegeta (or Go to build it);
 * skips without the tools on PATH, except under CI=true, where a skip would hide a broken harness, so it
 * fails instead.
 */
class BenchSmokeIT {

    /** A smoke run takes 5-6 minutes on a quiet two-core machine and up to 8 on a busy one: this only catches a hang. */
    private static final long TIMEOUT_SECONDS = 900;

    @Test
    void smokeRunOfTheBenchmarkHarnessMeasuresAllThreeSystemsWithoutErrors() throws Exception {
        List<String> missing = new ArrayList<>();
        for (String tool : List.of("wrk", "node", "npm", "python3", "curl", "unzip")) {
            if (!onPath(tool)) {
                missing.add(tool);
            }
        }
        if (!missing.isEmpty()) {
            String why = "bench/run.sh needs " + String.join(", ", missing) + " (wrk: apt-get install wrk)";
            if ("true".equals(System.getenv("CI"))) {
                fail(why + " (CI=true: .ci/run installs what it needs; this must run, not skip)");
            }
            Assumptions.abort(why);
        }
        Path root = ProjectPaths.root();
        Path log = root.resolve("bench/target/smoke-it.log");
        Files.createDirectories(log.getParent());
        ProcessBuilder smoke = new ProcessBuilder("bash", "bench/run.sh", "--smoke")
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // Ports apart from a full run's default (23000-23048), which someone may be running by hand; BENCH_PORT_BASE
        // in the environment moves them (machines where several builds run at once).
        smoke.environment().put("BENCH_PORT_BASE", System.getenv().getOrDefault("BENCH_PORT_BASE", "24100"));
        Process run = smoke.start();
        if (!run.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            // SIGTERM: the script's trap stops everything it started.
            run.destroy();
            run.waitFor(30, TimeUnit.SECONDS);
            fail("bench/run.sh --smoke did not finish within " + TIMEOUT_SECONDS + " s; its output:\n" + read(log));
        }
        assertThat(run.exitValue()).as("bench/run.sh --smoke exit status; its output:\n%s", read(log)).isZero();

        JsonNode results = new ObjectMapper().readTree(root.resolve("bench/target/run/results.json").toFile());
        assertThat(results.path("smoke").asBoolean()).isTrue();
        for (String system : List.of("mesh", "nest", "baseline")) {
            JsonNode measured = results.path("systems").path(system);
            assertThat(measured.path("saturation").path("requests_per_second_median").asDouble())
                    .as("%s answered under wrk", system).isPositive();
            assertThat(measured.path("saturation").path("errors").asInt()).as("%s errors under wrk", system).isZero();
            assertThat(measured.path("fixed_rate").path("requests").asInt()).as("%s requests at fixed rate", system).isPositive();
            assertThat(measured.path("fixed_rate").path("errors").asInt()).as("%s errors at fixed rate", system).isZero();
        }
        for (String client : List.of("mesh", "mesh-bytes", "nest")) {
            JsonNode transport = results.path("transport").path(client);
            assertThat(transport.path("did_not_finish").asBoolean()).as("%s transport client finished", client).isFalse();
            assertThat(transport.path("requests_per_second").asDouble()).as("%s transport client's rate", client).isPositive();
        }
        assertThat(root.resolve("bench/target/run/profiles/gateway-saturation.txt")).content().contains("## By layer");
        JsonNode freshness = results.path("freshness");
        assertThat(freshness.path("trials_run").asInt()).as("freshness trials run").isPositive();
        assertThat(freshness.path("trials_failed").asInt()).as("freshness trials failed").isZero();
        JsonNode sizes = results.path("scale").path("sizes");
        assertThat(sizes).as("scale sizes measured").hasSize(2);
        for (JsonNode size : sizes) {
            assertThat(size.path("errors").asInt()).as("scale errors with %s node(s)", size.path("nodes")).isZero();
            assertThat(size.path("answers_per_node")).as("nodes that answered with %s node(s)", size.path("nodes"))
                    .hasSize(size.path("nodes").asInt());
            // Answered at all; not every node: under peak-EWMA (the default balancer) a node whose first answer
            // was a cold JVM's may get no call in the seconds a smoke round lasts.
            long answered = 0;
            for (JsonNode answers : size.path("answers_per_node")) {
                answered += answers.asLong();
            }
            assertThat(answered).as("answers with %s node(s)", size.path("nodes")).isPositive();
        }
        JsonNode warmStart = results.path("warm_start").path("variants");
        assertThat(warmStart).as("warm-start variants measured").isNotEmpty();
        for (JsonNode variant : warmStart) {
            assertThat(variant.path("first_answer_ms").asInt()).as("%s: time to the first answer", variant.path("variant")).isPositive();
            assertThat(variant.path("errors").asInt()).as("%s: errors under wrk", variant.path("variant")).isZero();
            assertThat(variant.path("early_vs_late").asDouble()).as("%s: early against late window", variant.path("variant")).isPositive();
        }
        assertThat(results.path("gateway_peak_rss_mb_without_profiler").asDouble()).as("gateway peak RSS without a profiler").isPositive();
        for (String setting : List.of("off", "10", "100")) {
            JsonNode traced = results.path("tracing").path("settings_measured").path(setting);
            assertThat(traced.path("requests_per_second_median").asDouble()).as("tracing %s: gateway's rate", setting).isPositive();
            assertThat(traced.path("errors").asInt()).as("tracing %s: errors under wrk", setting).isZero();
        }
        assertThat(results.path("tracing").path("settings_measured").path("100").path("spans_received_during_rounds").asInt())
                .as("spans the 100 %% sampled services exported to the sink").isPositive();
        JsonNode traffic = results.path("traffic");
        for (String variant : List.of("rules-off", "rules-on")) {
            JsonNode measured = traffic.path("variants").path(variant);
            assertThat(measured.path("requests_per_second_median").asDouble()).as("traffic %s: gateway's rate", variant).isPositive();
            assertThat(measured.path("errors").asInt()).as("traffic %s: errors under wrk", variant).isZero();
            assertThat(measured.path("gateway_cpu_seconds_per_10k_requests_median").asDouble())
                    .as("traffic %s: gateway's CPU per request", variant).isPositive();
        }
        assertThat(traffic.path("before").path("skipped").asString()).as("the before gateway is not built in smoke").contains("smoke");
        assertThat(root.resolve("bench/target/run/RESULTS.md")).content()
                .contains("## Warm start", "## Tracing cost", "## Traffic control with every rule off");
        assertThat(results.path("jmh").path("benchmarks").size()).as("JMH benchmarks in results.json").isPositive();
        assertThat(root.resolve("bench/target/run/chart.png")).exists();
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static String read(Path log) throws Exception {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no output)";
    }
}
