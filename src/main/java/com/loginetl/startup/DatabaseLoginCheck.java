package com.loginetl.startup;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs in to the database once, as the service's connection pool would, and turns a refusal into a
 * report that names the setting to fix: server unreachable, login refused, database missing.
 */
final class DatabaseLoginCheck {

	private static final Logger log = LoggerFactory.getLogger(DatabaseLoginCheck.class);

	private final DataSource dataSource;

	DatabaseLoginCheck(DataSource dataSource) {
		this.dataSource = dataSource;
	}

	void check() {
		// Opening the connection is the check: the server has accepted the login and the database.
		try (Connection connection = open()) {
			log.debug("Database login accepted ({})", connection.getClass().getSimpleName());
		}
		catch (SQLException ex) {
			throw explain(ex);
		}
	}

	// Not through the pool: Hikari logs a failed first connection with its stack trace, which is
	// what the report replaces. The same URL, credentials and driver properties, bounded by the
	// pool's connection timeout as Hikari bounds its own logins.
	private Connection open() throws SQLException {
		if (!(this.dataSource instanceof HikariDataSource hikari) || hikari.getJdbcUrl() == null) {
			return this.dataSource.getConnection();
		}
		Properties properties = new Properties();
		properties.putAll(hikari.getDataSourceProperties());
		properties.putIfAbsent("loginTimeout", Long.toString(Math.max(1, connectionTimeout(hikari).toSeconds())));
		return new DriverDataSource(hikari.getJdbcUrl(), hikari.getDriverClassName(), properties, hikari.getUsername(),
				hikari.getPassword())
			.getConnection();
	}

	private StartupCheckException explain(SQLException ex) {
		String url = (this.dataSource instanceof HikariDataSource hikari) ? hikari.getJdbcUrl() : null;
		String username = (this.dataSource instanceof HikariDataSource hikari) ? hikari.getUsername() : null;
		JdbcUrl target = JdbcUrl.parse(url, username);
		String state = (ex.getSQLState() != null) ? ex.getSQLState() : "";
		String reason = firstLine(ex.getMessage()) + " (SQLSTATE " + state + ")";
		String credentials = "Set " + Setting.DATASOURCE_USERNAME + " and " + Setting.DATASOURCE_PASSWORD
				+ " to a login of that database server.";
		if (state.startsWith("08")) {
			return new StartupCheckException("The database server at " + target.server() + ", named by "
					+ Setting.DATASOURCE_URL + ", cannot be reached: " + reason + ".",
					"Check the host and port in " + Setting.DATASOURCE_URL
							+ ", and that PostgreSQL runs there and accepts TCP connections from this machine. "
							+ "The service waits " + timeoutText() + " for a connection; on a slow network, raise it.",
					ex);
		}
		if (state.equals("28P01")) {
			return new StartupCheckException("The database server at " + target.server() + " refused the password of user '"
					+ username + "', set by " + Setting.DATASOURCE_PASSWORD + ": " + reason + ".", credentials, ex);
		}
		if (state.startsWith("28")) {
			return new StartupCheckException("The database server at " + target.server() + " refused user '" + username
					+ "', named by " + Setting.DATASOURCE_USERNAME + ": " + reason + ".",
					credentials + " If the user exists, allow its connections in the server's pg_hba.conf.", ex);
		}
		if (state.equals("3D000")) {
			return new StartupCheckException("The database '" + target.database() + "' named in "
					+ Setting.DATASOURCE_URL + " does not exist on " + target.server() + ": " + reason + ".",
					"Create it (CREATE DATABASE " + target.database() + ") or correct the database name in "
							+ Setting.DATASOURCE_URL + ". The service creates its tables, not the database.",
					ex);
		}
		return new StartupCheckException("The database server at " + target.server() + " refused a connection as user '"
				+ username + "': " + reason + ".",
				"Fix what the server's message says. The connection settings are " + Setting.DATASOURCE_URL + ", "
						+ Setting.DATASOURCE_USERNAME + " and " + Setting.DATASOURCE_PASSWORD + ".",
				ex);
	}

	private String timeoutText() {
		if (this.dataSource instanceof HikariDataSource hikari) {
			return "up to " + connectionTimeout(hikari).toMillis() + " ms, set by " + Setting.CONNECTION_TIMEOUT + ",";
		}
		return "as long as the driver's timeouts allow";
	}

	private static Duration connectionTimeout(HikariDataSource hikari) {
		return Duration.ofMillis(hikari.getConnectionTimeout());
	}

	static String firstLine(String message) {
		if (message == null) {
			return "no message";
		}
		int end = message.indexOf('\n');
		return ((end < 0) ? message : message.substring(0, end)).strip();
	}

}
