package com.loginetl.support;

import java.util.Map;

import org.flywaydb.core.Flyway;

/**
 * Where a test database lives and how to log in to it.
 *
 * @param url JDBC URL of the database, without credentials
 * @param username user to connect as
 * @param password that user's password; empty when the server trusts local connections
 */
public record JdbcTarget(String url, String username, String password) {

	/** The Spring settings that point the service's datasource here. */
	public Map<String, String> springProperties() {
		return Map.of("spring.datasource.url", this.url, "spring.datasource.username", this.username,
				"spring.datasource.password", this.password);
	}

	/**
	 * Migrates the schema as the service does at start-up, so that a test can change the table
	 * (a constraint, a lock, a grant) before the service starts.
	 */
	public void migrate() {
		Flyway.configure()
			.dataSource(this.url, this.username, this.password)
			.locations("classpath:db/migration")
			.load()
			.migrate();
	}

	// Keeps the password out of assertion messages and logs.
	@Override
	public String toString() {
		return "JdbcTarget[url=" + this.url + ", username=" + this.username + "]";
	}

}
