package com.loginetl.startup;

import java.sql.SQLException;

import org.flywaydb.core.api.FlywayException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/**
 * The database user may log in but not create the service's tables: Flyway's migration failed with
 * SQLSTATE 42501 (insufficient privilege).
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
		String username = this.environment.getProperty(Setting.DATASOURCE_USERNAME.property());
		JdbcUrl target = JdbcUrl.parse(this.environment.getProperty(Setting.DATASOURCE_URL.property()), username);
		return new FailureAnalysis("The database user '" + username + "', named by " + Setting.DATASOURCE_USERNAME
				+ ", may not create the service's tables in the database '" + target.database() + "' on "
				+ target.server() + ": " + DatabaseLoginCheck.firstLine(refusal.getMessage()) + " (SQLSTATE "
				+ INSUFFICIENT_PRIVILEGE + "). The service migrates its schema (Flyway) at start-up, so its user "
				+ "needs that right.",
				"Grant it, as the database's owner: GRANT CREATE ON SCHEMA public TO " + username
						+ "; or set " + Setting.DATASOURCE_USERNAME + " and " + Setting.DATASOURCE_PASSWORD
						+ " to a user that may create tables there.",
				cause);
	}

}
