package com.loginetl.bench;

import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.core.io.ClassPathResource;

/**
 * The service's listener concurrency as the benchmarked jar will run it: application.yaml (from
 * target/classes, so the one packaged in the jar), overridden by the {@code LOGINS_*} and
 * {@code SPRING_*} variables of the benchmark's own environment, which are handed on to the service.
 *
 * @param maxConcurrentMessages {@code logins.listener.max-concurrent-messages}
 * @param maxMessagesPerPoll {@code logins.listener.max-messages-per-poll}
 * @param passedOn environment variables handed on to the service (names and values)
 */
record ServiceSettings(int maxConcurrentMessages, int maxMessagesPerPoll, Map<String, String> passedOn) {

	private static final String CONCURRENT = "logins.listener.max-concurrent-messages";

	private static final String PER_POLL = "logins.listener.max-messages-per-poll";

	static ServiceSettings read(Map<String, String> environment) {
		YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
		yaml.setResources(new ClassPathResource("application.yaml"));
		Properties properties = yaml.getObject();
		Map<String, String> passedOn = new TreeMap<>();
		environment.forEach((name, value) -> {
			// LOGINS_TEST_* choose the benchmark's own PostgreSQL, they are not service settings.
			if ((name.startsWith("LOGINS_") && !name.startsWith("LOGINS_TEST_")) || name.startsWith("SPRING_")) {
				passedOn.put(name, value);
			}
		});
		return new ServiceSettings(setting(properties, passedOn, CONCURRENT), setting(properties, passedOn, PER_POLL),
				passedOn);
	}

	/**
	 * Receive calls the service can have open at once: Spring Cloud AWS's concurrency limiter hands
	 * out {@code maxMessagesPerPoll} permits per poll out of {@code maxConcurrentMessages}, and a poll
	 * of more than 10 makes one receive call per 10 (SQS's limit).
	 */
	int pollers() {
		int polls = Math.max(1, (this.maxConcurrentMessages + this.maxMessagesPerPoll - 1) / this.maxMessagesPerPoll);
		return polls * ((this.maxMessagesPerPoll + 9) / 10);
	}

	private static int setting(Properties properties, Map<String, String> environment, String property) {
		String variable = property.toUpperCase().replace('.', '_').replace('-', '_');
		String value = environment.getOrDefault(variable, properties.getProperty(property));
		if (value == null) {
			throw new IllegalStateException(property + " is in neither application.yaml nor " + variable);
		}
		return Integer.parseInt(value.strip());
	}

}
