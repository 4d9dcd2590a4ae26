package com.loginetl.storage;

import org.springframework.boot.flyway.autoconfigure.FlywayConnectionDetails;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;

/**
 * Flyway's connection: the service's database and login, but a connection of its own outside the
 * pool, so that a migration (an index built over a large table) is not cut off by the statement
 * and lock timeouts meant for the service's inserts. Start-up as a whole is bounded by the
 * deployment's startup probe instead.
 */
class MigrationConnection implements FlywayConnectionDetails {

	private final JdbcConnectionDetails service;

	MigrationConnection(JdbcConnectionDetails service) {
		this.service = service;
	}

	@Override
	public String getJdbcUrl() {
		return this.service.getJdbcUrl();
	}

	@Override
	public String getUsername() {
		return this.service.getUsername();
	}

	@Override
	public String getPassword() {
		return this.service.getPassword();
	}

	@Override
	public String getDriverClassName() {
		return this.service.getDriverClassName();
	}

}
