package com.loginetl.storage;

import java.util.Properties;

import javax.sql.DataSource;

import com.zaxxer.hikari.util.DriverDataSource;
import org.jspecify.annotations.Nullable;

/**
 * The role that owns the service's tables: it runs the Flyway migrations and the partition
 * maintenance, each on a connection of its own outside the pool, while the pool's role only
 * inserts and reads rows. It is {@code spring.flyway.user} with {@code spring.flyway.password};
 * unset, the pool's own login does both jobs (a laptop).
 * <p>
 * Its connections carry the TLS settings, the connect and login timeouts and the server's keepalive
 * probes, but not the pool's socket, statement or idle session timeouts: a migration (an index built over a large table) or a month's rows
 * moved out of DEFAULT must not be cut off by limits meant for a batch insert.
 */
public final class SchemaOwner {

	private final String username;

	private final boolean separate;

	private final DataSource dataSource;

	SchemaOwner(String url, @Nullable String driverClassName, @Nullable String username, @Nullable String password,
			boolean separate, Properties driverProperties) {
		this.username = username;
		this.separate = separate;
		this.dataSource = new DriverDataSource(url, driverClassName, driverProperties, username, password);
	}

	/**
	 * @param url the service's JDBC URL, with TLS settings applied
	 * @param pool the pool's login
	 * @param flywayUser {@code spring.flyway.user}, null or blank when unset
	 */
	static SchemaOwner of(String url, @Nullable String driverClassName, Login pool, @Nullable String flywayUser,
			@Nullable String flywayPassword, Properties driverProperties) {
		if (flywayUser == null || flywayUser.isBlank()) {
			return new SchemaOwner(url, driverClassName, pool.username(), pool.password(), false, driverProperties);
		}
		boolean separate = !flywayUser.equals(pool.username());
		// The pool's own user named again needs its password said only once.
		String password = (flywayPassword != null || separate) ? flywayPassword : pool.password();
		return new SchemaOwner(url, driverClassName, flywayUser, password, separate, driverProperties);
	}

	/** The owner's user name. */
	public @Nullable String username() {
		return this.username;
	}

	/** Whether the owner is a login of its own ({@code spring.flyway.user}), not the pool's. */
	public boolean separate() {
		return this.separate;
	}

	/** Opens a new connection on each call; close it when done. */
	public DataSource dataSource() {
		return this.dataSource;
	}

	@Override
	public String toString() {
		return "SchemaOwner[username=" + this.username + ", separate=" + this.separate + "]";
	}

	/** A user name and password; the password is never printed. */
	record Login(@Nullable String username, @Nullable String password) {

		@Override
		public String toString() {
			return "Login[username=" + this.username + "]";
		}

	}

}
