package com.loginetl.deploy;

import java.util.List;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

/**
 * Checks KEDA and Prometheus Operator objects against the JSON schemas that the npm packages
 * {@code @kubernetes-models/keda} and {@code @kubernetes-models/prometheus-operator} generate from
 * those projects' CRDs: required fields, types, formats and enums. Like the CRDs themselves,
 * these schemas allow unknown fields (the API server would drop them), so the chart's tests
 * check the fields that matter one by one as well.
 */
final class CustomResourceSchemas {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private CustomResourceSchemas() {
	}

	/** The verdict on one object: its schema's errors, empty when valid. */
	record Verdict(String apiVersion, String kind, String name, List<String> errors) {
	}

	static List<Verdict> validate(List<Map<String, Object>> objects) {
		Commands.Result result = NodeTools.node("validate-crds.mjs", JSON.writeValueAsString(objects));
		if (result.stdout().isBlank()) {
			throw new AssertionError("validate-crds.mjs gave no verdict\n" + result.describe());
		}
		List<Verdict> verdicts = List.of(JSON.readValue(result.stdout().strip(), Verdict[].class));
		boolean anyInvalid = verdicts.stream().anyMatch((verdict) -> !verdict.errors().isEmpty());
		if (anyInvalid != (result.exitCode() != 0)) {
			throw new AssertionError("validate-crds.mjs's exit status disagrees with its verdicts\n" + result.describe());
		}
		return verdicts;
	}

}
