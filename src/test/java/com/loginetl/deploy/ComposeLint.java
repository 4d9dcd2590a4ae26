package com.loginetl.deploy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules of npm's dclint that src/test/resources/deploy/tools/dclint.json leaves on, in the
 * test JVM and under dclint's rule names: a service has a build or an image, not both (unless it
 * sets pull_policy); container names are unique and well-formed; no host port is published twice;
 * every published port is bound to an interface (no 0.0.0.0 by omission); ports are written in
 * double quotes, volumes without; no {@code version} field, a {@code name}; top-level keys in
 * dclint's order. dclint itself still runs with {@code -Pexternal-tools} (ComposeFileTest).
 */
final class ComposeLint {

	private static final List<String> TOP_LEVEL_ORDER = List.of("version", "name", "include", "services", "networks",
			"volumes", "secrets", "configs");

	private static final Pattern CONTAINER_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]+");

	/** [interface:]hostPort:containerPort[/protocol], the short syntax of a published port. */
	private static final Pattern PORT = Pattern.compile("(?:(\\[[^]]+]|[^:]+):)?([^:]+):([^:]+?)(?:/\\w+)?");

	private static final Pattern LIST_BLOCK = Pattern.compile("^(\\s*)(ports|volumes):\\s*$");

	private ComposeLint() {
	}

	/** A problem under dclint's rule name. */
	record Problem(String rule, String message) {
	}

	@SuppressWarnings("unchecked")
	static List<Problem> lint(String text) {
		Map<String, Object> compose = ChartRenderer.parse(text).get(0);
		List<Problem> problems = new ArrayList<>();
		if (compose.containsKey("version")) {
			problems.add(new Problem("no-version-field", "The \"version\" field is obsolete"));
		}
		if (!compose.containsKey("name")) {
			problems.add(new Problem("require-project-name-field", "The project has no \"name\""));
		}
		List<String> known = compose.keySet().stream().filter(TOP_LEVEL_ORDER::contains).toList();
		List<String> sorted = known.stream().sorted((a, b) -> TOP_LEVEL_ORDER.indexOf(a) - TOP_LEVEL_ORDER.indexOf(b)).toList();
		if (!known.equals(sorted)) {
			problems.add(new Problem("top-level-properties-order", "Top-level keys " + known + " are not in the order " + sorted));
		}
		Map<String, String> containerNames = new HashMap<>();
		Map<String, String> hostPorts = new HashMap<>();
		Map<String, Object> services = (Map<String, Object>) compose.getOrDefault("services", Map.of());
		services.forEach((name, value) -> {
			Map<String, Object> service = (Map<String, Object>) value;
			if (service.containsKey("build") && service.containsKey("image") && !service.containsKey("pull_policy")) {
				problems.add(new Problem("no-build-and-image", "Service \"" + name + "\" has both build and image"));
			}
			Object containerName = service.get("container_name");
			if (containerName != null) {
				if (!CONTAINER_NAME.matcher(containerName.toString()).matches()) {
					problems.add(new Problem("service-container-name-regex",
							"Service \"" + name + "\" has an invalid container name \"" + containerName + "\""));
				}
				String other = containerNames.put(containerName.toString(), name);
				if (other != null) {
					problems.add(new Problem("no-duplicate-container-names",
							"Services \"" + other + "\" and \"" + name + "\" share the container name \"" + containerName + "\""));
				}
			}
			for (Object port : (List<Object>) service.getOrDefault("ports", List.of())) {
				ports(name, port, hostPorts, problems);
			}
		});
		quoting(text, problems);
		return problems;
	}

	@SuppressWarnings("unchecked")
	private static void ports(String service, Object port, Map<String, String> hostPorts, List<Problem> problems) {
		String hostIp;
		String published;
		if (port instanceof Map<?, ?> map) {
			hostIp = (String) ((Map<String, Object>) map).get("host_ip");
			Object value = map.get("published");
			published = value == null ? null : value.toString();
		}
		else {
			Matcher matcher = PORT.matcher(port.toString());
			if (!matcher.matches()) {
				problems.add(new Problem("no-unbound-port-interfaces",
						"Service \"" + service + "\" publishes port " + port + " on every interface"));
				return;
			}
			hostIp = matcher.group(1);
			published = matcher.group(2);
		}
		if (hostIp == null || hostIp.isBlank()) {
			problems.add(new Problem("no-unbound-port-interfaces",
					"Service \"" + service + "\" publishes port " + port + " on every interface"));
		}
		if (published != null) {
			String other = hostPorts.put(published, service);
			if (other != null) {
				problems.add(new Problem("no-duplicate-exported-ports",
						"Services \"" + other + "\" and \"" + service + "\" both publish host port " + published));
			}
		}
	}

	/** Items of a ports list are written in double quotes, those of a volumes list without quotes. */
	private static void quoting(String text, List<Problem> problems) {
		String block = null;
		int indent = -1;
		for (String line : text.split("\n")) {
			Matcher start = LIST_BLOCK.matcher(line);
			if (start.matches()) {
				block = start.group(2);
				indent = start.group(1).length();
				continue;
			}
			int lineIndent = line.length() - line.stripLeading().length();
			if (block == null || line.isBlank() || line.strip().startsWith("#")) {
				continue;
			}
			if (lineIndent <= indent) {
				block = null;
				continue;
			}
			String item = line.strip();
			if (!item.startsWith("- ")) {
				continue;
			}
			String value = item.substring(2).strip();
			if (block.equals("ports") && !value.startsWith("\"")) {
				problems.add(new Problem("require-quotes-in-ports", "Port " + value + " is not in double quotes"));
			}
			if (block.equals("volumes") && (value.startsWith("\"") || value.startsWith("'"))) {
				problems.add(new Problem("no-quotes-in-volumes", "Volume " + value + " is in quotes"));
			}
		}
	}

}
