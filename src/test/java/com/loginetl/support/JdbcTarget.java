package com.loginetl.support;

import java.util.Map;

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

	// Keeps the password out of assertion messages and logs.
	@Override
	public String toString() {
		return "JdbcTarget[url=" + this.url + ", username=" + this.username + "]";
	}

}
