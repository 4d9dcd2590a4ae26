package com.loginetl.startup;

import java.util.Locale;

/**
 * A setting as the configuration table (docs/configuration.md) names it: by its property and by the environment
 * variable that sets it, so a report fits whichever way the operator configures the service.
 *
 * @param property the documented (kebab-case) property, e.g. {@code logins.dead-letter-queue}
 */
record Setting(String property) {

	static final Setting DATASOURCE_URL = new Setting("spring.datasource.url");

	static final Setting DATASOURCE_USERNAME = new Setting("spring.datasource.username");

	static final Setting DATASOURCE_PASSWORD = new Setting("spring.datasource.password");

	static final Setting FLYWAY_USER = new Setting("spring.flyway.user");

	static final Setting FLYWAY_PASSWORD = new Setting("spring.flyway.password");

	static final Setting SSL_MODE = new Setting("logins.database.ssl-mode");

	static final Setting SSL_ROOT_CERT = new Setting("logins.database.ssl-root-cert");

	static final Setting CONNECTION_TIMEOUT = new Setting("spring.datasource.hikari.connection-timeout");

	static final Setting SQS_ENDPOINT = new Setting("spring.cloud.aws.sqs.endpoint");

	static final Setting REGION = new Setting("spring.cloud.aws.region.static");

	static final Setting ACCESS_KEY = new Setting("spring.cloud.aws.credentials.access-key");

	static final Setting SECRET_KEY = new Setting("spring.cloud.aws.credentials.secret-key");

	static final Setting QUEUE = new Setting("logins.queue");

	static final Setting DEAD_LETTER_QUEUE = new Setting("logins.dead-letter-queue");

	static final Setting SQS_TIMEOUT = new Setting("logins.sqs-timeout");

	/**
	 * {@code logins.dead-letter-queue} is {@code LOGINS_DEAD_LETTER_QUEUE}: Spring's relaxed binding.
	 * Hikari's settings drop the dashes instead ({@code SPRING_DATASOURCE_HIKARI_CONNECTIONTIMEOUT}):
	 * {@code ..._CONNECTION_TIMEOUT} also reads as a property {@code connection.timeout} of the pool,
	 * whose binding calls {@code HikariDataSource.getConnection()} and so starts the pool before its
	 * limits are set, and the service cannot start.
	 */
	String environmentVariable() {
		String variable = this.property.toUpperCase(Locale.ROOT).replace('.', '_');
		return this.property.startsWith("spring.datasource.hikari.") ? variable.replace("-", "")
				: variable.replace('-', '_');
	}

	@Override
	public String toString() {
		return this.property + " (" + environmentVariable() + ")";
	}

}
