package com.loginetl.deploy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.loginetl.support.JdbcTarget;
import com.loginetl.support.Scenario;
import com.loginetl.support.ServiceProcess;
import com.loginetl.support.TcpProxy;
import com.loginetl.support.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Debian's Prometheus server scrapes the packaged service with the labels the chart's
 * ServiceMonitor gives its target, and loads the chart's alerting rules. After traffic with
 * invalid messages and a redelivery, and while traffic flows, every query of the Grafana
 * dashboard (its variables substituted as Grafana would) and every alert expression goes through
 * Prometheus's HTTP API: each parses, and each query over the service's own meters returns series
 * with numbers. The rules evaluate without error against the real series, the dead-letter alert
 * fires by reason while those for store failures, a pause, a growing backlog and lag stay quiet,
 * and the meters docs/operating.md lists exist under those names.
 */
@ExternalTools
class PrometheusScrapeIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * Grafana's {@code $__rate_interval} for a data source scraped every second, at a 9 s step:
	 * max(step + scrape interval, 4 × scrape interval).
	 */
	private static final Duration STEP = Duration.ofSeconds(9);

	private static final String RATE_INTERVAL = "10s";

	private static final Pattern VARIABLE = Pattern.compile("\\$\\{?(\\w+)}?");

	private static final Pattern SELECTOR = Pattern.compile("\\b([a-z_:]+)\\{([^}]*)}");

	private static final Set<String> REASONS_SENT = Set.of("missing_user_id", "not_json", "wrong_type:user_id",
			"too_long:locale");

	private final JsonNode dashboard = JSON
		.readTree(DeployFiles.read(DeployFiles.chart().resolve("dashboards/login-etl.json")));

	@Test
	void dashboardQueriesAndAlertExpressionsWorkOnTheScrapedService(@TempDir Path dir) throws Exception {
		Commands.require("prometheus", PrometheusTools.INSTALL_HINT);
		List<Map<String, Object>> release = ChartRenderer.render(List.of(),
				Map.of("metrics.serviceMonitor.enabled", "true", "metrics.prometheusRule.enabled", "true"));
		ScrapeTarget target = ScrapeTarget.of(release);
		Map<String, Object> rule = release.stream()
			.filter((object) -> "PrometheusRule".equals(object.get("kind")))
			.findFirst()
			.orElseThrow();
		PrometheusTools.writeRulesFile(rule, dir.resolve("login-etl-rules.yaml"));
		List<Map<String, Object>> alerts = PrometheusTools.alertingRules(rule);

		Scenario scenario = Scenario.create("prometheus-scrape");
		scenario.environment().put("LOGINS_QUEUE_DEPTH_INTERVAL", "1s");
		// Room for a loaded build machine: the start-up check of the dead-letter queue goes through the proxy.
		scenario.environment().put("LOGINS_SQS_TIMEOUT", "15s");
		Workload workload = scenario.workload();
		try (TcpProxy sqs = scenario.sqsThroughProxy()) {
			// Prometheus starts while the service does; its first scrapes fail until the service listens.
			try (ServiceProcess service = ServiceProcess.start(scenario.environment(), "-Xmx256m");
					PrometheusServer prometheus = PrometheusServer.start(dir, target.config(service.port()),
							Duration.ofSeconds(60))) {
				service.awaitReady(Duration.ofMinutes(3));
				workload.send(40, 8);
				await().atMost(Duration.ofSeconds(60)).until(() -> workload.rows() >= 40);
				redeliverOneStoredMessage(scenario, service, sqs);

				Workload.SteadySender traffic = workload.sendSteadily(100);
				try {
					await().atMost(Duration.ofSeconds(60))
						.pollInterval(Duration.ofSeconds(1))
						.untilAsserted(() -> assertDuringTraffic(prometheus, target, alerts));
				}
				finally {
					traffic.stop();
				}
			}
		}
	}

	/**
	 * A message whose row is committed while SQS does not answer keeps its place on the queue, and
	 * comes back after its visibility timeout: the service skips it as a duplicate.
	 */
	private static void redeliverOneStoredMessage(Scenario scenario, ServiceProcess service, TcpProxy sqs)
			throws Exception {
		JdbcTarget database = scenario.database();
		try (Connection lock = DriverManager.getConnection(database.url(), database.username(), database.password());
				Statement statement = lock.createStatement()) {
			lock.setAutoCommit(false);
			statement.execute("LOCK TABLE user_logins IN ACCESS EXCLUSIVE MODE");
			double received = service.counter("logins_received_total");
			scenario.workload().send(1, 0);
			await().atMost(Duration.ofSeconds(30)).until(() -> service.counter("logins_received_total") > received);
			sqs.cut();
			lock.commit();
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> scenario.queues().waiting() > 0);
		sqs.restore();
		await().atMost(Duration.ofSeconds(60)).until(() -> service.counter("logins_duplicates_total") >= 1);
	}

	private void assertDuringTraffic(PrometheusServer prometheus, ScrapeTarget target,
			List<Map<String, Object>> alerts) {
		Instant now = Instant.now();
		assertDashboardQueries(prometheus, now);
		assertAlertExpressions(prometheus, target, alerts, now);
		assertDocumentedMetersExist(prometheus, target);
		assertThat(values(prometheus.query("sum(logins_duplicates_total{" + target.selector() + "})", now)))
			.as("the redelivery, seen by Prometheus")
			.singleElement()
			.satisfies((duplicates) -> assertThat(duplicates).isGreaterThanOrEqualTo(1));
	}

	/**
	 * Every target of every panel, with the dashboard's variables as Grafana substitutes them: one
	 * namespace selected, and "All".
	 */
	private void assertDashboardQueries(PrometheusServer prometheus, Instant now) {
		JsonNode namespaceVariable = variable("namespace");
		String variableQuery = namespaceVariable.get("definition").asString();
		Matcher labelValues = Pattern.compile("label_values\\((.+), (\\w+)\\)").matcher(variableQuery);
		assertThat(labelValues.matches()).as(variableQuery).isTrue();
		assertThat(prometheus.labelValues(labelValues.group(2), labelValues.group(1)))
			.as("the namespace variable's choices")
			.contains(ChartRenderer.NAMESPACE);

		List<String> expressions = new ArrayList<>();
		this.dashboard.get("panels")
			.forEach((panel) -> panel.get("targets").forEach((target) -> expressions.add(target.get("expr").asString())));
		assertThat(expressions).hasSizeGreaterThanOrEqualTo(14);
		for (String namespace : List.of(ChartRenderer.NAMESPACE, namespaceVariable.get("allValue").asString())) {
			Map<String, String> variables = Map.of("namespace", namespace, "queue",
					variable("queue").get("current").get("value").asString(), "__rate_interval", RATE_INTERVAL);
			for (String template : expressions) {
				String expr = substitute(template, variables);
				prometheus.queryRange(expr, now.minus(STEP.multipliedBy(3)), now, STEP);
				List<Double> values = values(prometheus.query(expr, now));
				if (expr.contains("logins_")) {
					assertThat(values).as("%s while traffic flows", expr).isNotEmpty().allSatisfy((value) -> assertThat(value)
						.as(expr).isFinite());
				}
			}
		}
	}

	/**
	 * Each alert parses; each series it selects exists with its matchers (so the rule is scoped to
	 * the labels the ServiceMonitor gives); Prometheus evaluates every rule without error; and the
	 * dead-letter alert fires for each reason sent.
	 */
	@SuppressWarnings("unchecked")
	private static void assertAlertExpressions(PrometheusServer prometheus, ScrapeTarget target,
			List<Map<String, Object>> alerts, Instant now) {
		for (Map<String, Object> alert : alerts) {
			String expr = (String) alert.get("expr");
			prometheus.query(expr, now);
			Matcher selector = SELECTOR.matcher(expr);
			int selectors = 0;
			while (selector.find()) {
				selectors++;
				assertThat(selector.group(2)).as(expr).contains(target.selector());
				assertThat(values(prometheus.query("count(" + selector.group() + ")", now)))
					.as("%s of %s", selector.group(), alert.get("alert"))
					.isNotEmpty();
			}
			assertThat(selectors).as(expr).isPositive();
		}

		List<String> evaluated = new ArrayList<>();
		prometheus.api("/api/v1/rules", Map.of("type", "alert")).get("groups").forEach((group) -> group.get("rules")
			.forEach((rule) -> {
				assertThat(rule.get("health").asString()).as("%s: %s", rule.get("name"), rule.path("lastError"))
					.isEqualTo("ok");
				evaluated.add(rule.get("name").asString());
			}));
		assertThat(evaluated).containsExactlyElementsOf(alerts.stream().map((alert) -> (String) alert.get("alert")).toList());

		Set<String> firingReasons = new LinkedHashSet<>();
		Set<String> active = new LinkedHashSet<>();
		prometheus.api("/api/v1/alerts", Map.of()).get("alerts").forEach((alert) -> {
			String name = alert.get("labels").get("alertname").asString();
			active.add(name);
			if ("LoginEtlDeadLetters".equals(name) && "firing".equals(alert.get("state").asString())) {
				firingReasons.add(alert.get("labels").get("reason").asString());
			}
		});
		assertThat(firingReasons).as("LoginEtlDeadLetters firing by reason").containsAll(REASONS_SENT);
		// Nothing failed to store, nothing paused, rows keep coming: these stay quiet, pending included.
		assertThat(active).doesNotContain("LoginEtlStoreFailures", "LoginEtlIngestPaused", "LoginEtlBacklogGrowing",
				"LoginEtlLagHigh");
	}

	/**
	 * The meters of docs/operating.md's table, by their Prometheus names, are all in
	 * Prometheus with the label values the table names, and Prometheus has no other
	 * {@code logins_} series.
	 */
	private static void assertDocumentedMetersExist(PrometheusServer prometheus, ScrapeTarget target) {
		Set<String> scraped = new LinkedHashSet<>(
				prometheus.labelValues("__name__", "{" + target.selector() + "}"));
		scraped.removeIf((name) -> !name.startsWith("logins_"));
		Set<String> covered = new LinkedHashSet<>();
		Map<String, String> documented = documentedMeters();
		assertThat(documented).hasSizeGreaterThanOrEqualTo(10);
		documented.forEach((name, labels) -> {
			if (name.endsWith("_*")) {
				String base = name.substring(0, name.length() - 1);
				assertThat(scraped).as(name).contains(base + "bucket", base + "count", base + "sum");
				scraped.stream().filter((series) -> series.startsWith(base)).forEach(covered::add);
				return;
			}
			assertThat(scraped).as("docs/operating.md's %s", name).contains(name);
			covered.add(name);
			if (labels.isEmpty()) {
				return;
			}
			for (String label : labels.split(", ")) {
				String[] nameAndValues = label.split("=", 2);
				List<String> values = prometheus.labelValues(nameAndValues[0], name + "{" + target.selector() + "}");
				if (nameAndValues[1].equals("...")) {
					assertThat(values).as("%s's label %s", name, nameAndValues[0]).isNotEmpty();
				}
				else {
					assertThat(values).as("%s's label %s", name, nameAndValues[0])
						.containsAll(List.of(nameAndValues[1].split("\\\\\\|")));
				}
			}
		});
		assertThat(covered).as("every logins_ series Prometheus scraped is in docs/operating.md's table")
			.containsExactlyInAnyOrderElementsOf(scraped);
	}

	/**
	 * docs/operating.md's meter table (before its first section): Prometheus name (histograms as
	 * {@code name_*}) to the label part in braces, or "".
	 */
	private static Map<String, String> documentedMeters() {
		String page = DeployFiles.read(DeployFiles.file("docs/operating.md"));
		assertThat(page).startsWith("# Operating it\n");
		Matcher row = Pattern.compile("(?m)^\\s*\\| `logins\\.[a-z_.]+` \\| `(logins_[a-z_*]+)(?:\\{([^}]*)})?` \\|")
			.matcher(page.substring(0, page.indexOf("\n## ")));
		Map<String, String> meters = new LinkedHashMap<>();
		while (row.find()) {
			meters.put(row.group(1), row.group(2) == null ? "" : row.group(2));
		}
		return meters;
	}

	private JsonNode variable(String name) {
		for (JsonNode variable : this.dashboard.get("templating").get("list")) {
			if (name.equals(variable.get("name").asString())) {
				return variable;
			}
		}
		throw new AssertionError("The dashboard has no variable " + name);
	}

	private static String substitute(String template, Map<String, String> variables) {
		Matcher variable = VARIABLE.matcher(template);
		StringBuilder expr = new StringBuilder();
		while (variable.find()) {
			String value = variables.get(variable.group(1));
			assertThat(value).as("a value for the dashboard variable %s in %s", variable.group(), template).isNotNull();
			variable.appendReplacement(expr, Matcher.quoteReplacement(value));
		}
		variable.appendTail(expr);
		return expr.toString();
	}

	/** The sample values of an instant vector result. */
	private static List<Double> values(JsonNode data) {
		assertThat(data.get("resultType").asString()).isEqualTo("vector");
		List<Double> values = new ArrayList<>();
		data.get("result").forEach((sample) -> values.add(Double.parseDouble(sample.get("value").get(1).asString())));
		return values;
	}

	/**
	 * The target as the Prometheus Operator makes it from the chart's ServiceMonitor: job and
	 * service are the metrics Service's name (the monitor sets no jobLabel), endpoint its port's
	 * name, namespace the release's, pod and container those of the Deployment's pods.
	 */
	record ScrapeTarget(String job, String namespace, String service, String endpoint, String container, String pod) {

		@SuppressWarnings("unchecked")
		static ScrapeTarget of(List<Map<String, Object>> release) {
			Map<String, Object> monitor = only(release, "ServiceMonitor");
			Map<String, Object> monitorSpec = (Map<String, Object>) monitor.get("spec");
			assertThat(monitorSpec).doesNotContainKeys("jobLabel", "targetLabels", "podTargetLabels");
			Map<String, Object> endpoint = (Map<String, Object>) ((List<Object>) monitorSpec.get("endpoints")).get(0);
			assertThat(endpoint).doesNotContainKey("relabelings").containsEntry("path", "/actuator/prometheus");
			String namespace = ((List<String>) ((Map<String, Object>) monitorSpec.get("namespaceSelector"))
				.get("matchNames")).get(0);
			Map<String, String> selector = (Map<String, String>) ((Map<String, Object>) monitorSpec.get("selector"))
				.get("matchLabels");
			Map<String, Object> service = release.stream()
				.filter((object) -> "Service".equals(object.get("kind")))
				.filter((object) -> ((Map<String, String>) ((Map<String, Object>) object.get("metadata")).get("labels"))
					.entrySet()
					.containsAll(selector.entrySet()))
				.findFirst()
				.orElseThrow();
			String serviceName = (String) ((Map<String, Object>) service.get("metadata")).get("name");
			Map<String, Object> deployment = only(release, "Deployment");
			String deploymentName = (String) ((Map<String, Object>) deployment.get("metadata")).get("name");
			Map<String, Object> podSpec = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) deployment
				.get("spec")).get("template")).get("spec");
			String container = (String) ((Map<String, Object>) ((List<Object>) podSpec.get("containers")).get(0))
				.get("name");
			return new ScrapeTarget(serviceName, namespace, serviceName, (String) endpoint.get("port"), container,
					deploymentName + "-6b7f9c5d4-q8x2m");
		}

		/** The rule's default matchers: the job and namespace of this target. */
		String selector() {
			return "job=\"" + this.job + "\", namespace=\"" + this.namespace + "\"";
		}

		/** prometheus.yml: scrape the service and evaluate the rules every second. */
		String config(int port) {
			return """
					global:
					  scrape_interval: 1s
					  scrape_timeout: 1s
					  evaluation_interval: 1s
					rule_files:
					  - login-etl-rules.yaml
					scrape_configs:
					  - job_name: %s
					    metrics_path: /actuator/prometheus
					    static_configs:
					      - targets: ["127.0.0.1:%d"]
					        labels:
					          namespace: %s
					          service: %s
					          endpoint: %s
					          container: %s
					          pod: %s
					""".formatted(this.job, port, this.namespace, this.service, this.endpoint, this.container,
					this.pod);
		}

		private static Map<String, Object> only(List<Map<String, Object>> release, String kind) {
			List<Map<String, Object>> found = release.stream().filter((object) -> kind.equals(object.get("kind"))).toList();
			assertThat(found).as(kind).hasSize(1);
			return found.get(0);
		}

	}

}
