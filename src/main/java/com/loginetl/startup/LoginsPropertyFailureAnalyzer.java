package com.loginetl.startup;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.bind.validation.ValidationErrors;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.origin.Origin;
import org.springframework.core.Ordered;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

/**
 * An invalid {@code logins.*} value, reported by its documented name and its environment variable
 * ({@code logins.listener.max-messages-per-poll}, {@code LOGINS_LISTENER_MAX_MESSAGES_PER_POLL}).
 * Spring Boot's own report names the record component instead ({@code maxMessagesPerPoll}), which
 * is neither. Runs before Boot's analyzers, which would otherwise take these failures.
 */
class LoginsPropertyFailureAnalyzer extends AbstractFailureAnalyzer<BindException> implements Ordered {

	private static final String PREFIX = "logins";

	private static final String ACTION = "Correct the value, or unset the setting for its default. The "
			+ "configuration table (docs/configuration.md) gives each setting's default and range; "
			+ "durations are written like 500ms, 10s or 2m.";

	private static final String SECRET = "logins.masking.keyset";

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
		ConfigurationPropertyName target = cause.getName();
		if (!ConfigurationPropertyName.of(PREFIX).isAncestorOf(target) && !target.toString().equals(PREFIX)) {
			return null;
		}
		List<String> problems = new ArrayList<>();
		if (cause.getCause() instanceof BindValidationException validation) {
			ValidationErrors errors = validation.getValidationErrors();
			for (ObjectError error : errors) {
				if (error instanceof FieldError field) {
					String name = errors.getName() + "." + dashed(field.getField());
					Optional<ConfigurationProperty> property = bound(errors, name);
					problems.add(describe(name, property.map(ConfigurationProperty::getValue).orElse(field.getRejectedValue()),
							property.map(ConfigurationProperty::getOrigin).orElse(Origin.from(field)))
							+ ": " + field.getDefaultMessage());
				}
				else {
					problems.add(errors.getName() + ": " + error.getDefaultMessage());
				}
			}
		}
		else {
			ConfigurationProperty property = cause.getProperty();
			String name = (property != null) ? property.getName().toString() : target.toString();
			Object value = (property != null) ? property.getValue() : null;
			problems.add(describe(name, value, (property != null) ? property.getOrigin() : null) + ": not a valid "
					+ cause.getTarget().getType().resolve(Object.class).getSimpleName() + " ("
					+ DatabaseLoginCheck.firstLine(rootMessage(cause)) + ")");
		}
		String description = (problems.size() == 1) ? "Invalid setting: " + problems.get(0)
				: "Invalid settings:" + String.join("", problems.stream().map((problem) -> "\n  - " + problem).toList());
		return new FailureAnalysis(description, ACTION, cause);
	}

	private static String describe(String name, Object value, Origin origin) {
		// The inline keyset is the secret itself: name it, never print it.
		String shown = name.equals(SECRET) ? "(hidden)" : "'" + value + "'";
		String described = new Setting(name) + " is " + shown;
		return (origin != null) ? described + " (from " + origin + ")" : described;
	}

	private static Optional<ConfigurationProperty> bound(ValidationErrors errors, String name) {
		ConfigurationPropertyName wanted = ConfigurationPropertyName.of(name);
		return errors.getBoundProperties().stream().filter((property) -> property.getName().equals(wanted)).findFirst();
	}

	/** {@code listener.maxMessagesPerPoll} as its property: {@code listener.max-messages-per-poll}. */
	private static String dashed(String field) {
		List<String> parts = new ArrayList<>();
		for (String part : field.split("\\.")) {
			parts.add(DataObjectPropertyName.toDashedForm(part));
		}
		return String.join(".", parts);
	}

	private static String rootMessage(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return (root.getMessage() != null) ? root.getMessage() : root.toString();
	}

}
