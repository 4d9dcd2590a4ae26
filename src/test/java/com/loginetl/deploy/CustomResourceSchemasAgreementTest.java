package com.loginetl.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The vendored CRD schemas ({@link CustomResourceSchemas}) judge the chart's custom resources as
 * the npm packages {@code @kubernetes-models/keda} and {@code @kubernetes-models/prometheus-operator}
 * do, whose compiled validators the deployment checks used before: both pass the rendered objects,
 * and both refuse each broken copy (one mistake per copy). Needs Node.js with npm.
 */
@ExternalTools
class CustomResourceSchemasAgreementTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private record Mistake(String kind, String description, Consumer<Map<String, Object>> make) {
	}

	private static final List<Mistake> MISTAKES = List.of(
			new Mistake("ScaledObject", "minReplicaCount as a string", (o) -> map(o, "spec").put("minReplicaCount", "1")),
			new Mistake("ScaledObject", "a trigger without metadata", (o) -> map(o, "spec", "triggers", "0").remove("metadata")),
			new Mistake("ScaledObject", "no scaleTargetRef", (o) -> map(o, "spec").remove("scaleTargetRef")),
			new Mistake("ScaledObject", "triggers as an object", (o) -> map(o, "spec").put("triggers", Map.of())),
			new Mistake("TriggerAuthentication", "podIdentity without provider", (o) -> map(o, "spec", "podIdentity").remove("provider")),
			new Mistake("TriggerAuthentication", "an unknown podIdentity provider", (o) -> map(o, "spec", "podIdentity").put("provider", "aws-kiam2")),
			new Mistake("ServiceMonitor", "a numeric port name", (o) -> map(o, "spec", "endpoints", "0").put("port", 8080)),
			new Mistake("ServiceMonitor", "an interval that is no duration", (o) -> map(o, "spec", "endpoints", "0").put("interval", "often")),
			new Mistake("ServiceMonitor", "no selector", (o) -> map(o, "spec").remove("selector")),
			new Mistake("PrometheusRule", "a rule without expr", (o) -> map(o, "spec", "groups", "0", "rules", "0").remove("expr")),
			new Mistake("PrometheusRule", "for that is no duration", (o) -> map(o, "spec", "groups", "0", "rules", "0").put("for", "ten minutes")),
			new Mistake("PrometheusRule", "a group without name", (o) -> map(o, "spec", "groups", "0").remove("name")),
			new Mistake("PrometheusRule", "labels as a string", (o) -> map(o, "metadata").put("labels", "team=data-platform")));

	@Test
	void bothPassTheRenderedCustomResources() {
		List<Map<String, Object>> custom = customResources();
		assertThat(custom).hasSize(4);

		assertThat(nodeVerdicts(custom)).allSatisfy((verdict) -> assertThat(verdict.errors()).as(verdict.kind()).isEmpty());
		assertThat(CustomResourceSchemas.validate(custom))
			.allSatisfy((verdict) -> assertThat(verdict.errors()).as(verdict.kind()).isEmpty());
	}

	@Test
	void bothRefuseEachBrokenCopy() {
		List<Map<String, Object>> broken = new ArrayList<>();
		for (Mistake mistake : MISTAKES) {
			Map<String, Object> object = customResources().stream()
				.filter((candidate) -> mistake.kind().equals(candidate.get("kind")))
				.findFirst()
				.orElseThrow();
			mistake.make().accept(object);
			broken.add(object);
		}

		List<CustomResourceSchemas.Verdict> node = nodeVerdicts(broken);
		List<CustomResourceSchemas.Verdict> java = CustomResourceSchemas.validate(broken);

		for (int i = 0; i < MISTAKES.size(); i++) {
			String mistake = MISTAKES.get(i).kind() + " with " + MISTAKES.get(i).description();
			assertThat(node.get(i).errors()).as("@kubernetes-models on " + mistake).isNotEmpty();
			assertThat(java.get(i).errors()).as("vendored CRD schema on " + mistake).isNotEmpty();
		}
	}

	private static List<Map<String, Object>> customResources() {
		return ChartRenderer.render(DeployFiles.resource("deploy/values-everything-on.yaml"))
			.stream()
			.filter((object) -> String.valueOf(object.get("apiVersion")).matches("(keda\\.sh|monitoring\\.coreos\\.com)/.*"))
			.toList();
	}

	/** validate-crds.mjs's verdicts: the npm packages' compiled validators. */
	private static List<CustomResourceSchemas.Verdict> nodeVerdicts(List<Map<String, Object>> objects) {
		Commands.Result result = NodeTools.node("validate-crds.mjs", JSON.writeValueAsString(objects));
		if (result.stdout().isBlank()) {
			throw new AssertionError("validate-crds.mjs gave no verdict\n" + result.describe());
		}
		List<CustomResourceSchemas.Verdict> verdicts = List
			.of(JSON.readValue(result.stdout().strip(), CustomResourceSchemas.Verdict[].class));
		boolean anyInvalid = verdicts.stream().anyMatch((verdict) -> !verdict.errors().isEmpty());
		assertThat(result.exitCode() != 0).as("validate-crds.mjs's exit status agrees with its verdicts\n"
				+ result.describe()).isEqualTo(anyInvalid);
		return verdicts;
	}

	/** The map at {@code path} (keys, or list indexes as numbers) below {@code root}. */
	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Map<String, Object> root, String... path) {
		Object current = root;
		for (String step : path) {
			current = (current instanceof List<?> list) ? list.get(Integer.parseInt(step))
					: ((Map<String, Object>) current).get(step);
		}
		return (Map<String, Object>) current;
	}

}
