package com.loginetl.deploy;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The strict reading catches what fabric8's defaults let through: each case renders the chart
 * with a deliberately broken manifest (through values the schema allows, or by editing the
 * rendered object) and expects the strict reading to fail where the lenient one does not.
 */
class StrictKubernetesModelTest {

	@Test
	void aMisspeltFieldFails() {
		Map<String, Object> deployment = renderedDeployment(Map.of());
		Map<String, Object> httpGet = path(deployment, "spec", "template", "spec", "containers", 0, "livenessProbe",
				"httpGet");
		httpGet.put("pth", httpGet.remove("path"));

		assertThat(lenient(deployment).getSpec().getTemplate().getSpec().getContainers().get(0).getLivenessProbe()
			.getHttpGet().getAdditionalProperties()).containsKey("pth");
		assertThatException().isThrownBy(() -> StrictKubernetesModel.read(deployment))
			.withMessageContaining("pth");
	}

	@Test
	void aNumberGivenAsStringFails() {
		Map<String, Object> deployment = renderedDeployment(Map.of());
		path(deployment, "spec", "template", "spec", "containers", 0, "ports", 0).put("containerPort", "8080");

		assertThat(lenient(deployment).getSpec().getTemplate().getSpec().getContainers().get(0).getPorts().get(0)
			.getContainerPort()).isEqualTo(8080);
		assertThatException().isThrownBy(() -> StrictKubernetesModel.read(deployment))
			.withMessageContaining("containerPort");
	}

	@Test
	void aStringGivenAsNumberFails() {
		Map<String, Object> deployment = renderedDeployment(Map.of());
		path(deployment, "spec", "template", "spec", "containers", 0).put("image", 42);

		assertThatException().isThrownBy(() -> StrictKubernetesModel.read(deployment)).withMessageContaining("image");
	}

	@Test
	void brokenValuesThatTheSchemaLetsThroughAreCaughtInTheRenderedManifest() {
		// extraEnv and podSecurityContext are Kubernetes objects passed through; the values schema
		// checks only their outline, the strict model checks the rest.
		Map<String, Object> misspeltEnv = renderedDeployment(Map.of("extraEnv[0].name", "A", "extraEnv[0].valu", "b"));
		assertThatException().isThrownBy(() -> StrictKubernetesModel.read(misspeltEnv)).withMessageContaining("valu");

		Map<String, Object> quotedUser = renderedDeployment(Map.of("podSecurityContext.runAsUser", "\"10001\""));
		assertThatException().isThrownBy(() -> StrictKubernetesModel.read(quotedUser))
			.withMessageContaining("runAsUser");
	}

	@Test
	void aKindWithoutModelFails() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> StrictKubernetesModel.read(Map.of("apiVersion", "v1", "kind", "Pdo")))
			.withMessageContaining("v1/Pdo");
	}

	@Test
	void theRenderedDeploymentItselfReadsStrictly() {
		assertThat(StrictKubernetesModel.read(renderedDeployment(Map.of()))).isInstanceOf(Deployment.class);
	}

	private static Map<String, Object> renderedDeployment(Map<String, Object> sets) {
		return ChartRenderer.render(List.of(), sets)
			.stream()
			.filter((object) -> "Deployment".equals(object.get("kind")))
			.findFirst()
			.orElseThrow();
	}

	/** fabric8's defaults: a plain mapper. */
	private static Deployment lenient(Map<String, Object> object) {
		return tools.jackson.databind.json.JsonMapper.builder().build().convertValue(object, Deployment.class);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> path(Map<String, Object> object, Object... steps) {
		Object current = object;
		for (Object step : steps) {
			current = (step instanceof Integer index) ? ((List<Object>) current).get(index)
					: ((Map<String, Object>) current).get(step);
		}
		return (Map<String, Object>) current;
	}

}
