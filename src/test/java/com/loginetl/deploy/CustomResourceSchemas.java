package com.loginetl.deploy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.networknt.schema.Schema;
import com.networknt.schema.SpecificationVersion;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks KEDA and Prometheus Operator objects against the OpenAPI schemas of those projects' CRDs
 * (vendored in src/test/resources/deploy/schemas, origin and licence in its README.md), in the
 * test JVM: required fields, types, patterns and enums, and {@code metadata} read strictly as
 * Kubernetes' ObjectMeta. Like the API server, these schemas allow unknown fields under
 * {@code x-kubernetes-preserve-unknown-fields} (the server would drop others), so the chart's
 * tests check the fields that matter one by one as well.
 */
final class CustomResourceSchemas {

	/** The CRD file of each kind the chart may render, by apiVersion/kind. */
	private static final Map<String, String> CRDS = Map.of("keda.sh/v1alpha1/ScaledObject",
			"keda.sh_scaledobjects.yaml", "keda.sh/v1alpha1/TriggerAuthentication",
			"keda.sh_triggerauthentications.yaml", "monitoring.coreos.com/v1/PrometheusRule",
			"monitoring.coreos.com_prometheusrules.yaml", "monitoring.coreos.com/v1/ServiceMonitor",
			"monitoring.coreos.com_servicemonitors.yaml");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();

	private CustomResourceSchemas() {
	}

	/** The verdict on one object: its schema's errors, empty when valid. */
	record Verdict(String apiVersion, String kind, String name, List<String> errors) {
	}

	@SuppressWarnings("unchecked")
	static List<Verdict> validate(List<Map<String, Object>> objects) {
		return objects.stream().map((object) -> {
			String apiVersion = (String) object.get("apiVersion");
			String kind = (String) object.get("kind");
			Object metadata = object.get("metadata");
			String name = (metadata instanceof Map<?, ?> map) ? (String) map.get("name") : null;
			String key = apiVersion + "/" + kind;
			List<String> errors = new ArrayList<>();
			if (!CRDS.containsKey(key)) {
				errors.add("no schema for " + key);
			}
			else {
				errors.addAll(JsonSchemas.errors(SCHEMAS.computeIfAbsent(key, CustomResourceSchemas::load), object));
				if (metadata instanceof Map<?, ?>) {
					try {
						StrictKubernetesModel.read((Map<String, Object>) metadata, ObjectMeta.class);
					}
					catch (RuntimeException ex) {
						errors.add("/metadata is not a Kubernetes ObjectMeta: " + ex.getMessage());
					}
				}
			}
			return new Verdict(apiVersion, kind, name, List.copyOf(errors));
		}).toList();
	}

	/** The schema of the CRD version that serves {@code key}'s apiVersion, as JSON schema. */
	private static Schema load(String key) {
		String version = key.split("/")[1];
		String file = CRDS.get(key);
		JsonNode crd = JSON.valueToTree(ChartRenderer.load(DeployFiles.resource("deploy/schemas/" + file)));
		for (JsonNode served : crd.path("spec").path("versions")) {
			if (served.path("name").asString().equals(version)) {
				JsonNode schema = served.path("schema").path("openAPIV3Schema").deepCopy();
				return JsonSchemas.schema(toJsonSchema(schema), SpecificationVersion.DRAFT_4);
			}
		}
		throw new IllegalStateException(file + " serves no version " + version);
	}

	/**
	 * A CRD's structural schema is OpenAPI 3.0's subset of JSON schema draft 4; two of its words
	 * differ: {@code nullable: true} also admits null, and {@code x-kubernetes-int-or-string}
	 * admits an integer or a string (the CRD gives that as anyOf, which draft 4 reads as is).
	 */
	private static JsonNode toJsonSchema(JsonNode node) {
		if (node instanceof ObjectNode object) {
			if (object.path("nullable").asBoolean(false) && object.path("type").isString()) {
				ArrayNode types = object.arrayNode().add(object.get("type").asString()).add("null");
				object.set("type", types);
			}
			for (Iterator<Map.Entry<String, JsonNode>> fields = object.properties().iterator(); fields.hasNext();) {
				toJsonSchema(fields.next().getValue());
			}
		}
		else if (node instanceof ArrayNode array) {
			array.forEach(CustomResourceSchemas::toJsonSchema);
		}
		return node;
	}

}
