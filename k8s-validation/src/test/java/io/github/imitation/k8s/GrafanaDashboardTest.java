package io.github.imitation.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard (k8s/components/monitoring/grafana-dashboard.json) queries only metrics that exist: every
 * metric name in every panel's PromQL is a series the services export ({@link Metrics}: the meters their Java sources
 * register, in Micrometer's Prometheus naming, and the binders they enable); a renamed metric fails here instead of
 * leaving an empty panel. Every panel has a title, a unit and the {@code datasource} template variable as its data
 * source; the dashboard covers what the console's issue asks for; the monitoring overlay ships it unchanged as the
 * ConfigMap Grafana's sidecar picks up. The last tests plant defects (a metric renamed in the code, a misspelled
 * query, a panel without a unit) and expect them reported.
 */
class GrafanaDashboardTest {

    private static final Path DASHBOARD = Rendered.k8sDir().resolve("components/monitoring/grafana-dashboard.json");

    /** What the dashboard is for: env steps/s, policy versions, stale batches, consumer lag, DLQ rate, inference latency. */
    static final List<String> REQUIRED = List.of("imitation_rollout_env_steps_total", "imitation_policy_env_steps",
            "imitation_policy_version", "imitation_rollout_policy_version", "imitation_policy_batches_stale_dropped_total",
            "kafka_consumer_fetch_manager_records_lag_max", "imitation_demonstrations_dead_lettered_total",
            "http_server_requests_seconds_sum", "http_server_requests_seconds_count");

    private static JsonNode dashboard() throws IOException {
        return new JsonMapper().readTree(DASHBOARD.toFile());
    }

    /** Every panel, rows' nested panels included. */
    private static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : dashboard.path("panels")) {
            out.add(p);
            p.path("panels").forEach(out::add);
        }
        return out;
    }

    /** The dashboard's problems against the series that exist; {@code used} collects the metrics it reads. */
    static List<String> problems(JsonNode dashboard, Map<String, String> exported, Set<String> used) {
        List<String> errors = new ArrayList<>();
        if (dashboard.path("title").asText().isBlank() || dashboard.path("uid").asText().isBlank()) {
            errors.add("the dashboard needs a title and a uid (Grafana's sidecar and links go by the uid)");
        }
        Set<String> variables = new TreeSet<>();
        boolean datasourceVariable = false;
        for (JsonNode v : dashboard.path("templating").path("list")) {
            variables.add(v.path("name").asText());
            if ("datasource".equals(v.path("name").asText()) && "datasource".equals(v.path("type").asText())
                    && "prometheus".equals(v.path("query").asText())) {
                datasourceVariable = true;
            }
        }
        if (!datasourceVariable) {
            errors.add("no template variable \"datasource\" of type datasource for Prometheus (the dashboard must not name"
                    + " one installation's data source)");
        }
        Set<Integer> ids = new HashSet<>();
        List<JsonNode> panels = panels(dashboard);
        if (panels.stream().filter(p -> !"row".equals(p.path("type").asText())).count() < 6) {
            errors.add("only " + panels.size() + " panels");
        }
        for (JsonNode panel : panels) {
            String title = panel.path("title").asText();
            String type = panel.path("type").asText();
            if (title.isBlank()) {
                errors.add("a panel (id " + panel.path("id").asText("?") + ") without a title");
            }
            if (!panel.path("id").canConvertToInt() || !ids.add(panel.path("id").asInt())) {
                errors.add(title + ": its id is missing or used twice");
            }
            if (!panel.path("gridPos").isObject()) {
                errors.add(title + ": has no gridPos");
            }
            if ("row".equals(type) || "text".equals(type)) {
                continue;
            }
            if (!"${datasource}".equals(panel.path("datasource").path("uid").asText())) {
                errors.add(title + ": its datasource is not the ${datasource} variable");
            }
            if (panel.path("fieldConfig").path("defaults").path("unit").asText().isBlank()) {
                errors.add(title + ": has no unit (fieldConfig.defaults.unit)");
            }
            if (panel.path("targets").isEmpty()) {
                errors.add(title + ": no query");
            }
            for (JsonNode target : panel.path("targets")) {
                JsonNode ds = target.path("datasource");
                if (!ds.isMissingNode() && !"${datasource}".equals(ds.path("uid").asText())) {
                    errors.add(title + ": query " + target.path("refId").asText() + " names another datasource than ${datasource}");
                }
                String expr = target.path("expr").asText();
                Set<String> metrics = Metrics.metricsOf(expr);
                if (metrics.isEmpty()) {
                    errors.add(title + ": no metric in " + expr);
                }
                used.addAll(metrics);
                for (String metric : Metrics.unknownIn(expr, exported)) {
                    errors.add(title + ": " + metric + " is not a metric the services export (" + expr + ")");
                }
                Matcher var = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)").matcher(expr);
                while (var.find()) {
                    if (!var.group(1).startsWith("__") && !variables.contains(var.group(1))) {
                        errors.add(title + ": uses $" + var.group(1) + ", which is no template variable " + variables);
                    }
                }
            }
        }
        return errors;
    }

    @Test
    void everyQueryReadsAMetricTheServicesExport() throws Exception {
        Metrics.Scan scan = Metrics.registered();
        assertEquals(List.of(), scan.unreadable(), "meter registrations the scan cannot name");
        assertTrue(scan.series().containsKey("imitation_policy_version"), "the scan of the sources found " + scan.series().keySet());
        Map<String, String> exported = Metrics.exported();
        Set<String> used = new TreeSet<>();
        assertEquals(List.of(), problems(dashboard(), exported, used));
        for (String required : REQUIRED) {
            assertTrue(used.contains(required), "no panel reads " + required + "; used: " + used);
        }
    }

    @Test
    void theScanNamesSeriesAsMicrometersPrometheusRegistryDoes() {
        Map<String, String> series = Metrics.registered().series();
        // counters get _total, gauges keep their name, and nothing else is invented
        assertTrue(series.containsKey("imitation_demonstrations_dead_lettered_total"), series.keySet().toString());
        assertTrue(!series.containsKey("imitation_demonstrations_dead_lettered"), "a counter has no series without _total");
        assertTrue(series.containsKey("imitation_policy_env_steps") && !series.containsKey("imitation_policy_env_steps_total"),
                "a gauge is exported under its name only");
        assertEquals(Set.of("x_seconds_count", "x_seconds_sum", "x_seconds_max"), Metrics.seriesOf("timer", "x", false));
        assertEquals(Set.of("a_b_total"), Metrics.seriesOf("counter", "a.b", false));
        // Kafka: the binder's names come from kafka-clients itself
        Set<String> kafka = Metrics.kafkaClientSeries();
        assertTrue(kafka.contains("kafka_consumer_fetch_manager_records_lag_max"), kafka.toString());
        assertTrue(kafka.contains("kafka_consumer_fetch_manager_records_consumed_total"), kafka.toString());
        assertTrue(kafka.contains("kafka_producer_record_send_total"), kafka.toString());
    }

    @Test
    void theParserFindsMetricsAndNothingElse() {
        assertEquals(Set.of("a_total", "b_count"), Metrics.metricsOf(
                "sum by (run, pod) (rate(a_total{namespace=\"x\", pod=~\"p.*\"}[5m])) / max without (le) (b_count[1m])"));
        assertEquals(Set.of("c_bucket"), Metrics.metricsOf(
                "histogram_quantile(0.99, sum by (le) (rate(c_bucket{namespace=\"$namespace\"}[$__rate_interval])))"));
        assertEquals(Set.of("d", "e_total"), Metrics.metricsOf(
                "count(sum by (run) (rate(e_total[2m])) > 0) or vector(0) + on (pod) group_left (run) d offset 5m"));
    }

    @Test
    void theMonitoringOverlayShipsTheDashboardForGrafanasSidecar() throws Exception {
        Path overlay = Rendered.k8sDir().resolve("overlays/monitoring");
        assumeTrue(Rendered.renderer(overlay).isPresent(), Rendered::skipMessage);
        List<ObjectNode> docs = Rendered.render(overlay);
        ObjectNode configMap = docs.stream().filter(d -> "ConfigMap".equals(d.path("kind").asText())
                && "imitation-grafana-dashboard".equals(d.path("metadata").path("name").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no ConfigMap imitation-grafana-dashboard in overlays/monitoring"));
        assertEquals("1", configMap.path("metadata").path("labels").path("grafana_dashboard").asText());
        assertEquals(dashboard(), new JsonMapper().readTree(configMap.path("data").path("grafana-dashboard.json").asText()));
        assertTrue(docs.stream().anyMatch(d -> "PodMonitor".equals(d.path("kind").asText())), "a PodMonitor");
    }

    // ---- planted defects: the check must fail on them

    @Test
    void aMetricRenamedInTheCodeIsReported() throws Exception {
        Map<String, String> exported = new java.util.LinkedHashMap<>(Metrics.registered(
                s -> s.replace("\"imitation.policy.batches.stale.dropped\"", "\"imitation.policy.batches.stale\"")).series());
        Metrics.binders().forEach(exported::putIfAbsent);
        List<String> errors = problems(dashboard(), exported, new TreeSet<>());
        assertTrue(errors.stream().anyMatch(e -> e.contains("imitation_policy_batches_stale_dropped_total is not a metric the services export")),
                errors.toString());
    }

    @Test
    void aMisspelledQueryAMissingUnitAndAForeignDatasourceAreReported() throws Exception {
        JsonNode broken = dashboard().deepCopy();
        ObjectNode first = (ObjectNode) broken.path("panels").get(0);
        ObjectNode target = (ObjectNode) first.path("targets").get(0);
        target.put("expr", target.path("expr").asText().replace("imitation_rollout_env_steps_total", "imitation_rollout_env_steps"));
        ((ObjectNode) first.path("fieldConfig").path("defaults")).remove("unit");
        ((ObjectNode) broken.path("panels").get(1).path("datasource")).put("uid", "P1809F7CD0C75ACF3");
        ((ArrayNode) broken.path("templating").path("list")).remove(0);
        List<String> errors = problems(broken, Metrics.exported(), new TreeSet<>());
        String title = first.path("title").asText();
        assertTrue(errors.stream().anyMatch(e -> e.equals(title + ": imitation_rollout_env_steps is not a metric the services export ("
                + target.path("expr").asText() + ")")), errors.toString());
        assertTrue(errors.contains(title + ": has no unit (fieldConfig.defaults.unit)"), errors.toString());
        assertTrue(errors.contains(broken.path("panels").get(1).path("title").asText() + ": its datasource is not the ${datasource} variable"),
                errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.startsWith("no template variable \"datasource\"")), errors.toString());
    }
}
