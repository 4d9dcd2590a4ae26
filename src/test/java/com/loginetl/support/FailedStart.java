package com.loginetl.support;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts the packaged service with a mistake in its environment and returns the report Spring
 * Boot printed, after checking what every start-up report promises (docs/configuration.md,
 * "Building and running the jar"): exit status 1, no stack trace, and no HTTP port opened.
 */
public final class FailedStart {

	// As StartupChecksIT: a start that fails needs neither the JIT's second tier nor parallel GC.
	private static final String[] JVM_OPTIONS = { "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC" };

	private FailedStart() {
	}

	/** The text from "APPLICATION FAILED TO START" on. */
	public static String report(Map<String, String> environment) {
		try (ServiceProcess service = ServiceProcess.start(environment, JVM_OPTIONS)) {
			int status = service.awaitExit(Duration.ofMinutes(4));
			String output = service.output();
			assertThat(status).as("exit status; output in %s", service.log()).isEqualTo(1);
			assertThat(output).as("output in %s", service.log())
				.contains("APPLICATION FAILED TO START")
				.doesNotContain("Caused by:")
				.doesNotContain("\tat ")
				.doesNotContainPattern("(?m)^\\s+at \\S+\\(")
				.doesNotContain("Tomcat started on port");
			return output.substring(output.indexOf("APPLICATION FAILED TO START"));
		}
	}

}
