package com.loginetl.startup;

import java.sql.SQLException;

import org.flywaydb.core.api.FlywayException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/**
 * The schema owner may log in but not change the service's tables: Flyway's migration failed with
 * SQLSTATE 42501 (insufficient privilege), which the start-up checks ({@link SchemaPrivileges}) did not
 * foresee.
 */
class SchemaPermissionFailureAnalyzer extends AbstractFailureAnalyzer<FlywayException> {

	private static final String INSUFFICIENT_PRIVILEGE = "42501";

	private final Environment environment;

	SchemaPermissionFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, FlywayException cause) {
		SQLException refusal = findCause(cause, SQLException.class);
		if (refusal == null || !INSUFFICIENT_PRIVILEGE.equals(refusal.getSQLState())) {
			return null;
		}
		String flywayUser = this.environment.getProperty(Setting.FLYWAY_USER.property());
		boolean separate = flywayUser != null && !flywayUser.isBlank();
		Setting userSetting = separate ? Setting.FLYWAY_USER : Setting.DATASOURCE_USERNAME;
		Setting passwordSetting = separate ? Setting.FLYWAY_PASSWORD : Setting.DATASOURCE_PASSWORD;
		String username = separate ? flywayUser : this.environment.getProperty(Setting.DATASOURCE_USERNAME.property());
		JdbcUrl target = JdbcUrl.parse(this.environment.getProperty(Setting.DATASOURCE_URL.property()), username);
		return new FailureAnalysis("The database user '" + username + "', named by " + userSetting
				+ ", may not create the service's tables in the database '" + target.database() + "' on "
				+ target.server() + ": " + DatabaseLoginCheck.firstLine(refusal.getMessage()) + " (SQLSTATE "
				+ INSUFFICIENT_PRIVILEGE + "). The service migrates its schema (Flyway) at start-up as this user, "
				+ "so it needs that right.",
				"Grant it, as the database's owner: GRANT CREATE ON SCHEMA public TO " + username
						+ "; or set " + userSetting + " and " + passwordSetting
						+ " to the role that owns the service's tables (docs/database-security.md).",
				cause);
	}

}
