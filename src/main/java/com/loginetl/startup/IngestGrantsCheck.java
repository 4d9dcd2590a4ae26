package com.loginetl.startup;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.InitializingBean;

/**
 * After the migration, before partition maintenance, the listener or the web server start: the
 * pool's role may insert into and read {@code user_logins}. Only now can it be asked: on a fresh
 * database the table does not exist until the schema owner has migrated.
 */
class IngestGrantsCheck implements InitializingBean {

	private final DataSource dataSource;

	IngestGrantsCheck(DataSource dataSource) {
		this.dataSource = dataSource;
	}

	@Override
	public void afterPropertiesSet() {
		if (StartupChecks.exitsOnRefresh()) {
			return;
		}
		HikariDataSource hikari = (this.dataSource instanceof HikariDataSource pool) ? pool : null;
		String username = (hikari != null) ? hikari.getUsername() : null;
		JdbcUrl target = JdbcUrl.parse((hikari != null) ? hikari.getJdbcUrl() : null, username);
		try (Connection connection = this.dataSource.getConnection()) {
			SchemaPrivileges.checkIngest(connection, SchemaPrivileges.Role.ingest(username), target);
		}
		catch (SQLException ex) {
			// The login worked moments ago (DatabaseLoginCheck); the service's outage handling takes it from here.
			throw new IllegalStateException("Could not check the grants of user '" + username + "' on user_logins: "
					+ DatabaseLoginCheck.firstLine(ex.getMessage()), ex);
		}
	}

}
