package com.loginetl.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The chart's alerting rules as Prometheus reads them, and Debian's {@code prometheus} package
 * ({@code promtool} and the server) that checks and runs them.
 */
final class PrometheusTools {

	static final String INSTALL_HINT = "Run .ci/run, which installs Debian's prometheus package when promtool or "
			+ "prometheus is missing, or install it: apt-get update && apt-get install -y --no-install-recommends prometheus";

	/** The values that switch the rule on; everything else at the chart's defaults. */
	static final Map<String, Object> RULE_ON = Map.of("metrics.prometheusRule.enabled", "true");

	private PrometheusTools() {
	}

	/** The rendered PrometheusRule of a release with these values files and --set pairs. */
	static Map<String, Object> prometheusRule(List<Path> valuesFiles, Map<String, Object> sets) {
		List<Map<String, Object>> rules = ChartRenderer.render(valuesFiles, sets)
			.stream()
			.filter((object) -> "PrometheusRule".equals(object.get("kind")))
			.toList();
		if (rules.size() != 1) {
			throw new AssertionError("Expected one PrometheusRule, the chart rendered " + rules.size());
		}
		return rules.get(0);
	}

	/**
	 * Writes the rule's {@code spec.groups} as a Prometheus rules file (what the Prometheus Operator
	 * hands to Prometheus) and returns it.
	 */
	@SuppressWarnings("unchecked")
	static Path writeRulesFile(Map<String, Object> prometheusRule, Path file) {
		Map<String, Object> spec = (Map<String, Object>) prometheusRule.get("spec");
		DumperOptions options = new DumperOptions();
		options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
		options.setDefaultScalarStyle(DumperOptions.ScalarStyle.PLAIN);
		// Expressions on one line each, as in the chart, so promtool's messages quote them whole.
		options.setWidth(Integer.MAX_VALUE);
		write(file, new Yaml(options).dump(Map.of("groups", spec.get("groups"))));
		return file;
	}

	/** The alerting rules of a rendered PrometheusRule, in order: each a map with alert, expr, for, labels, annotations. */
	@SuppressWarnings("unchecked")
	static List<Map<String, Object>> alertingRules(Map<String, Object> prometheusRule) {
		List<Map<String, Object>> alerts = new ArrayList<>();
		Map<String, Object> spec = (Map<String, Object>) prometheusRule.get("spec");
		for (Object group : (List<Object>) spec.get("groups")) {
			for (Object rule : (List<Object>) ((Map<String, Object>) group).get("rules")) {
				alerts.add((Map<String, Object>) rule);
			}
		}
		return alerts;
	}

	/** Runs {@code promtool} with these arguments in {@code directory}; fails with the install hint when it is missing. */
	static Commands.Result promtool(Path directory, String... arguments) {
		Commands.require("promtool", INSTALL_HINT);
		List<String> command = new ArrayList<>(List.of("promtool"));
		command.addAll(List.of(arguments));
		return Commands.run(command, directory, null, Duration.ofMinutes(2));
	}

	private static void write(Path file, String text) {
		try {
			Files.writeString(file, text);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
