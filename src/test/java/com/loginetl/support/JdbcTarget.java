package com.loginetl.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
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

	/** The tables of the public schema, by name: none, if the service stopped before migrating. */
	public List<String> tables() {
		try (Connection connection = DriverManager.getConnection(this.url, this.username, this.password);
				Statement statement = connection.createStatement();
				ResultSet tables = statement.executeQuery(
						"select table_name from information_schema.tables where table_schema = 'public' order by 1")) {
			List<String> names = new ArrayList<>();
			while (tables.next()) {
				names.add(tables.getString(1));
			}
			return names;
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	// Keeps the password out of assertion messages and logs.
	@Override
	public String toString() {
		return "JdbcTarget[url=" + this.url + ", username=" + this.username + "]";
	}

}
