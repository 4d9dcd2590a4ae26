package com.loginetl.startup;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import javax.sql.DataSource;

import com.loginetl.storage.SchemaOwner;
import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.InitializingBean;

/**
 * After the migration, before partition maintenance, the listener or the web server start: the
 * pool's role may insert into and read {@code user_logins}. Only now can it be asked: on a fresh
 * database the table does not exist until the schema owner has migrated. With a schema owner of its
 * own, a pool role that may do more (a superuser, a role that may create tables) is logged.
 */
class IngestGrantsCheck implements InitializingBean {

	private static final Logger log = LoggerFactory.getLogger(IngestGrantsCheck.class);

	private final DataSource dataSource;

	private final SchemaOwner owner;

	IngestGrantsCheck(DataSource dataSource, SchemaOwner owner) {
		this.dataSource = dataSource;
		this.owner = owner;
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
			// With an owner of its own, more than its job is a risk worth a line, not a refusal to start.
			List<String> beyond = this.owner.separate() ? SchemaPrivileges.beyondIngest(connection) : List.of();
			if (!beyond.isEmpty()) {
				log.warn("The database user '{}', named by {}, {}: the role that inserts rows could change the "
						+ "schema or the stored rows. Give it only SELECT, INSERT on user_logins "
						+ "(docs/database-security.md).", username, Setting.DATASOURCE_USERNAME, String.join(", ", beyond));
			}
		}
		catch (SQLException ex) {
			// The login worked moments ago (DatabaseLoginCheck); the service's outage handling takes it from here.
			throw new IllegalStateException("Could not check the grants of user '" + username + "' on user_logins: "
					+ DatabaseLoginCheck.firstLine(ex.getMessage()), ex);
		}
	}

}
