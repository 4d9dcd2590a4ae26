package com.loginetl.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The chart rendered and linted in-process by helm-java (Helm as a library, no cluster). */
final class ChartRenderer {

	static final String RELEASE = "logins";

	static final String NAMESPACE = "etl";

	static final String KUBE_VERSION = "1.30.0";

	private ChartRenderer() {
	}

	/** {@code helm template} with the chart's defaults plus the given values files and --set pairs. */
	static List<Map<String, Object>> render(List<Path> valuesFiles, Map<String, Object> sets) {
		return parse(template(valuesFiles, sets));
	}

	static List<Map<String, Object>> render(Path... valuesFiles) {
		return render(List.of(valuesFiles), Map.of());
	}

	static String template(List<Path> valuesFiles, Map<String, Object> sets) {
		TemplateCommand template = new Helm(DeployFiles.chart()).template()
			.withName(RELEASE)
			.withNamespace(NAMESPACE)
			.withKubeVersion(KUBE_VERSION);
		valuesFiles.forEach(template::withValuesFile);
		sets.forEach(template::set);
		return template.call();
	}

	/**
	 * As {@link #render(List, Map)}, with the chart's test hooks too ({@code templates/tests}, run by
	 * {@code helm test}). helm-java's template leaves hooks out, as Helm keeps them out of a
	 * release's manifest; so a copy of the chart has their {@code helm.sh/hook} annotation renamed to
	 * {@link #HOOK_RENDERED_AS}, which makes them plain objects that carry what the hook was.
	 */
	static List<Map<String, Object>> renderWithTests(List<Path> valuesFiles, Map<String, Object> sets, Path workDir) {
		Path chart = copyChart(workDir.resolve("login-etl"));
		try (var tests = Files.list(chart.resolve("templates").resolve("tests"))) {
			for (Path test : tests.toList()) {
				write(test, DeployFiles.read(test).replace("helm.sh/hook:", HOOK_RENDERED_AS + ":"));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		TemplateCommand template = new Helm(chart).template()
			.withName(RELEASE)
			.withNamespace(NAMESPACE)
			.withKubeVersion(KUBE_VERSION);
		valuesFiles.forEach(template::withValuesFile);
		sets.forEach(template::set);
		return parse(template.call());
	}

	/** The annotation a test hook's {@code helm.sh/hook} becomes in {@link #renderWithTests}. */
	static final String HOOK_RENDERED_AS = "rendered-by-test.login-etl/helm.sh-hook";

	/**
	 * {@code helm lint --strict} of the chart with {@code overlay}'s values laid over its defaults.
	 * helm-java's lint takes no values file, so a copy of the chart gets the merged values.yaml.
	 */
	static LintResult lintStrict(Path overlay, Path workDir) {
		Path chart = DeployFiles.chart();
		if (overlay != null) {
			chart = copyChart(workDir.resolve("login-etl"));
			Map<String, Object> merged = merge(load(DeployFiles.chart().resolve("values.yaml")), load(overlay));
			write(chart.resolve("values.yaml"), yaml().dump(merged));
		}
		return new Helm(chart).lint().strict().call();
	}

	/** Every YAML document of a rendered release, in order, skipping empty ones. */
	@SuppressWarnings("unchecked")
	static List<Map<String, Object>> parse(String manifests) {
		List<Map<String, Object>> objects = new ArrayList<>();
		for (Object document : yaml().loadAll(manifests)) {
			if (document != null) {
				objects.add((Map<String, Object>) document);
			}
		}
		return objects;
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> load(Path file) {
		return (Map<String, Object>) yaml().load(DeployFiles.read(file));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> overlay) {
		Map<String, Object> merged = new LinkedHashMap<>(base);
		overlay.forEach((key, value) -> {
			if (value instanceof Map<?, ?> map && merged.get(key) instanceof Map<?, ?> existing) {
				merged.put(key, merge((Map<String, Object>) existing, (Map<String, Object>) map));
			}
			else {
				merged.put(key, value);
			}
		});
		return merged;
	}

	private static Path copyChart(Path target) {
		return DeployFiles.copyTree(DeployFiles.chart(), target);
	}

	private static void write(Path file, String text) {
		try {
			Files.writeString(file, text);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static Yaml yaml() {
		return new Yaml(new SafeConstructor(new LoaderOptions()));
	}

}
