package com.loginetl.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chart's PrometheusRule: off by default; its rules pass {@code promtool check rules}; the
 * promtool unit tests in src/test/resources/deploy/prometheus fire and stay quiet as they must at
 * the default thresholds, and fail when a threshold changes either way; the thresholds are values;
 * the object matches the Prometheus Operator's CRD schema; docs/operating.md has a runbook line per alert.
 */
class PrometheusRuleTest {

	private static final Path EVERYTHING_ON = DeployFiles.resource("deploy/values-everything-on.yaml");

	private static final String UNIT_TESTS = "login-etl-alerts-test.yaml";

	private static final List<String> ALERTS = List.of("LoginEtlDeadLetters", "LoginEtlLagHigh",
			"LoginEtlStoreFailures", "LoginEtlIngestPaused", "LoginEtlBacklogGrowing", "LoginEtlTargetDown",
			"LoginEtlKeysetCleartext");

	/** Every alert's thresholds are chart values. */
	private static final List<String> TUNABLE_ALERTS = ALERTS;

	@Test
	void offByDefault() {
		assertThat(ChartRenderer.render()).noneMatch((object) -> "PrometheusRule".equals(object.get("kind")));
	}

	@Test
	@ExternalTools
	void renderedRulesPassPromtoolCheckRules(@TempDir Path dir) {
		for (Map<String, Object> rule : List.of(PrometheusTools.prometheusRule(List.of(), PrometheusTools.RULE_ON),
				PrometheusTools.prometheusRule(List.of(EVERYTHING_ON), Map.of()))) {
			PrometheusTools.writeRulesFile(rule, dir.resolve("rules.yaml"));
			Commands.Result check = PrometheusTools.promtool(dir, "check", "rules", "rules.yaml");
			assertThat(check.exitCode()).as(check.describe()).isZero();
			assertThat(check.stdout()).contains("SUCCESS: " + ALERTS.size() + " rules found");
		}
		assertThat(PrometheusTools.alertingRules(PrometheusTools.prometheusRule(List.of(), PrometheusTools.RULE_ON)))
			.extracting((rule) -> rule.get("alert"))
			.containsExactlyElementsOf(ALERTS);
	}

	@Test
	@ExternalTools
	void unitTestsPassAtTheDefaultThresholds(@TempDir Path dir) {
		Commands.Result result = unitTests(dir, PrometheusTools.RULE_ON);
		assertThat(result.exitCode()).as(result.describe()).isZero();
		assertThat(result.stdout()).contains("SUCCESS");
	}

	@Test
	void unitTestsHaveFiringAndQuietCasesForEveryAlert() {
		Map<String, Set<Boolean>> cases = new LinkedHashMap<>();
		Matcher test = Pattern.compile("alertname: (\\w+)\\n\\s+exp_alerts:( \\[])?")
			.matcher(DeployFiles.read(DeployFiles.resource("deploy/prometheus/" + UNIT_TESTS)));
		while (test.find()) {
			cases.computeIfAbsent(test.group(1), (name) -> new LinkedHashSet<>()).add(test.group(2) == null);
		}
		assertThat(cases).containsOnlyKeys(ALERTS);
		assertThat(cases).allSatisfy((alert, fires) -> assertThat(fires).as(alert).containsExactlyInAnyOrder(true, false));
	}

	@Test
	@ExternalTools
	void stricterThresholdsFailFiringCasesOfEveryAlert(@TempDir Path dir) {
		Map<String, Object> stricter = new LinkedHashMap<>(PrometheusTools.RULE_ON);
		stricter.put("metrics.prometheusRule.alerts.deadLetters.threshold", "20");
		stricter.put("metrics.prometheusRule.alerts.lagP99.thresholdSeconds", "150");
		stricter.put("metrics.prometheusRule.alerts.storeFailures.threshold", "5");
		stricter.put("metrics.prometheusRule.alerts.ingestPaused.minutes", "30");
		stricter.put("metrics.prometheusRule.alerts.backlogGrowing.for", "30m");
		stricter.put("metrics.prometheusRule.alerts.targetDown.for", "30m");
		stricter.put("metrics.prometheusRule.alerts.keysetCleartext.for", "30m");

		assertFailedCases(unitTests(dir, stricter), TUNABLE_ALERTS);
	}

	@Test
	@ExternalTools
	void looserThresholdsFailQuietCasesOfEveryAlert(@TempDir Path dir) {
		Map<String, Object> looser = new LinkedHashMap<>(PrometheusTools.RULE_ON);
		looser.put("metrics.prometheusRule.alerts.deadLetters.window", "30m");
		looser.put("metrics.prometheusRule.alerts.lagP99.for", "0m");
		looser.put("metrics.prometheusRule.alerts.storeFailures.window", "20m");
		looser.put("metrics.prometheusRule.alerts.ingestPaused.minutes", "3");
		looser.put("metrics.prometheusRule.alerts.backlogGrowing.for", "0m");
		looser.put("metrics.prometheusRule.alerts.targetDown.for", "0m");
		looser.put("metrics.prometheusRule.alerts.keysetCleartext.window", "30m");

		assertFailedCases(unitTests(dir, looser), TUNABLE_ALERTS);
	}

	@Test
	void thresholdsSelectorAndLabelsAreValues(@TempDir Path dir) throws IOException {
		Path values = Files.writeString(dir.resolve("values.yaml"), """
				metrics:
				  prometheusRule:
				    enabled: true
				    selector: 'job="kubernetes-pods", app_kubernetes_io_instance="logins"'
				    alerts:
				      lagP99:
				        thresholdSeconds: 0.25
				        severity: critical
				      ingestPaused:
				        minutes: 2
				      targetDown:
				        enabled: false
				""");
		Map<String, Map<String, Object>> alerts = byName(PrometheusTools.prometheusRule(List.of(values), Map.of()));

		assertThat(alerts).doesNotContainKey("LoginEtlTargetDown").hasSize(ALERTS.size() - 1);
		assertThat(alerts.values()).allSatisfy((alert) -> assertThat((String) alert.get("expr"))
			.contains("{job=\"kubernetes-pods\", app_kubernetes_io_instance=\"logins\"")
			.doesNotContain("namespace=\"etl\""));
		assertThat((String) alerts.get("LoginEtlLagHigh").get("expr")).endsWith(") > 0.25");
		assertThat(alerts.get("LoginEtlLagHigh").get("labels")).isEqualTo(Map.of("severity", "critical"));
		assertThat((String) alerts.get("LoginEtlIngestPaused").get("expr")).endsWith(" > 120");
	}

	@Test
	@SuppressWarnings("unchecked")
	void everythingOnLabelsTheRuleForPrometheusAndEveryAlertForRouting() {
		Map<String, Object> rule = PrometheusTools.prometheusRule(List.of(EVERYTHING_ON), Map.of());
		Map<String, Object> metadata = (Map<String, Object>) rule.get("metadata");
		assertThat((Map<String, String>) metadata.get("labels")).containsEntry("release", "kube-prometheus-stack");
		assertThat(metadata).containsEntry("namespace", ChartRenderer.NAMESPACE);
		assertThat(byName(rule).values()).hasSize(ALERTS.size()).allSatisfy((alert) -> {
			assertThat((Map<String, String>) alert.get("labels")).containsEntry("team", "data-platform")
				.containsKey("severity");
			assertThat((Map<String, String>) alert.get("annotations"))
				.containsEntry("runbook_url", "https://git.example.com/data-platform/login-etl#alert-runbook")
				.containsKeys("summary", "description");
			// Scoped to this release's targets as its ServiceMonitor labels them.
			assertThat((String) alert.get("expr"))
				.contains("{job=\"logins-login-etl-metrics\", namespace=\"etl\"");
		});
	}

	@Test
	void theRuleMatchesTheCrdSchemaAndABrokenCopyDoesNot() {
		Map<String, Object> rule = PrometheusTools.prometheusRule(List.of(EVERYTHING_ON), Map.of());
		assertThat(CustomResourceSchemas.validate(List.of(rule))).singleElement()
			.satisfies((verdict) -> assertThat(verdict.errors()).isEmpty());

		Map<String, Object> broken = PrometheusTools.prometheusRule(List.of(EVERYTHING_ON), Map.of());
		Map<String, Object> first = PrometheusTools.alertingRules(broken).get(0);
		first.remove("expr");
		first.put("for", "ten minutes");
		assertThat(CustomResourceSchemas.validate(List.of(broken))).singleElement().satisfies((verdict) -> {
			assertThat(verdict.errors()).anyMatch((error) -> error.contains("required property expr"));
			assertThat(verdict.errors()).anyMatch((error) -> error.contains("for must match pattern"));
		});
	}

	@Test
	void theOperatingPageHasARunbookLineForEveryAlert() {
		String operating = DeployFiles.read(DeployFiles.file("docs/operating.md"));
		assertThat(operating).contains("\n## Alert runbook\n");
		String runbook = operating.substring(operating.indexOf("\n## Alert runbook\n") + 1);
		runbook = runbook.substring(0, runbook.indexOf("\n## "));
		Set<String> documented = new LinkedHashSet<>();
		Matcher row = Pattern.compile("(?m)^\\| `(LoginEtl\\w+)` \\|").matcher(runbook);
		while (row.find()) {
			documented.add(row.group(1));
		}
		assertThat(documented).containsExactlyElementsOf(ALERTS);
	}

	/** promtool's failures name every one of {@code alerts} at least once. */
	private static void assertFailedCases(Commands.Result result, List<String> alerts) {
		assertThat(result.exitCode()).as(result.describe()).isNotZero();
		for (String alert : alerts) {
			assertThat(result.stdout() + result.stderr()).as(result.describe()).contains("alertname: " + alert + ",");
		}
	}

	/** Renders the rules with {@code sets} next to a copy of the unit tests and runs {@code promtool test rules}. */
	private static Commands.Result unitTests(Path dir, Map<String, Object> sets) {
		PrometheusTools.writeRulesFile(PrometheusTools.prometheusRule(List.of(), sets),
				dir.resolve("login-etl-rules.yaml"));
		try {
			Files.copy(DeployFiles.resource("deploy/prometheus/" + UNIT_TESTS), dir.resolve(UNIT_TESTS));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return PrometheusTools.promtool(dir, "test", "rules", UNIT_TESTS);
	}

	private static Map<String, Map<String, Object>> byName(Map<String, Object> rule) {
		Map<String, Map<String, Object>> alerts = new LinkedHashMap<>();
		PrometheusTools.alertingRules(rule).forEach((alert) -> alerts.put((String) alert.get("alert"), alert));
		return alerts;
	}

}
