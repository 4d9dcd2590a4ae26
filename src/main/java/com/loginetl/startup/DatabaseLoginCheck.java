package com.loginetl.startup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

import javax.net.ssl.SSLException;
import javax.sql.DataSource;

import com.loginetl.storage.DatabaseTls;
import com.loginetl.storage.SchemaOwner;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs in to the database as the service's pool would, and as the schema owner, and turns a refusal
 * into a report that names the setting to fix: host name unknown, server unreachable, TLS refused,
 * login refused, database missing; checks that the owner may migrate the schema and maintain
 * partitions, and, for the {@code check} command once the table exists, that the pool's role may
 * write rows ({@link SchemaPrivileges}).
 */
final class DatabaseLoginCheck {

	private static final Logger log = LoggerFactory.getLogger(DatabaseLoginCheck.class);

	private final DataSource dataSource;

	private final DatabaseTls tls;

	private final SchemaOwner owner;

	DatabaseLoginCheck(DataSource dataSource, DatabaseTls tls, SchemaOwner owner) {
		this.dataSource = dataSource;
		this.tls = tls;
		this.owner = owner;
	}

	/**
	 * Logs in as the pool's role, over TLS as configured.
	 * @return e.g. {@code database login as login_ingest at db:5432, database 'logins', TLS TLSv1.3 (mode ...)}
	 */
	String login() {
		checkRootCert();
		SchemaPrivileges.Role ingest = SchemaPrivileges.Role.ingest(username());
		JdbcUrl target = JdbcUrl.parse(url(), username());
		// Opening the connection is the check: the server has accepted TLS, the login and the database.
		try (Connection connection = open()) {
			log.debug("Database login accepted ({})", connection.getClass().getSimpleName());
			return "database login as " + ingest.username() + " at " + target.server() + ", database '"
					+ target.database() + "', " + tlsInUse(connection);
		}
		catch (SQLException ex) {
			throw explain(ex, ingest);
		}
	}

	/**
	 * The schema owner may migrate the schema and maintain partitions ({@link SchemaPrivileges}).
	 * Without spring.flyway.user, the pool's login is the owner too.
	 * @return e.g. {@code schema owner login_owner may migrate schema public of database 'logins'}
	 */
	String owner() {
		SchemaPrivileges.Role ownerRole = this.owner.separate() ? SchemaPrivileges.Role.owner(this.owner.username())
				: SchemaPrivileges.Role.ingest(username());
		JdbcUrl target = JdbcUrl.parse(url(), username());
		try (Connection connection = this.owner.separate() ? this.owner.dataSource().getConnection() : open()) {
			String schema = SchemaPrivileges.checkOwner(connection, ownerRole, target);
			return "schema owner " + ownerRole.username() + " (" + ownerRole.userSetting().property()
					+ ") may migrate schema " + schema + " of database '" + target.database() + "'";
		}
		catch (SQLException ex) {
			throw explain(ex, ownerRole);
		}
	}

	/**
	 * The pool's role may insert into and read {@code user_logins}, when the table exists; the
	 * first start creates it, and checks these grants then ({@link IngestGrantsCheck}).
	 * @throws StartupChecks.Skipped when the table does not exist yet
	 */
	String ingestGrants() {
		SchemaPrivileges.Role ingest = SchemaPrivileges.Role.ingest(username());
		JdbcUrl target = JdbcUrl.parse(url(), username());
		// Asked as the owner: a role without USAGE on the schema sees no table at all.
		try (Connection connection = this.owner.separate() ? this.owner.dataSource().getConnection() : open()) {
			if (!SchemaPrivileges.tableExists(connection)) {
				throw new StartupChecks.Skipped("ingest role's grants: " + SchemaPrivileges.TABLE + " does not exist "
						+ "yet in database '" + target.database() + "'; the service's first start creates it and "
						+ "checks that " + ingest.username() + " may INSERT and SELECT on it");
			}
		}
		catch (SQLException ex) {
			throw explain(ex, this.owner.separate() ? SchemaPrivileges.Role.owner(this.owner.username()) : ingest);
		}
		try (Connection connection = open()) {
			SchemaPrivileges.checkIngest(connection, ingest, target);
			return "ingest role " + ingest.username() + " may INSERT and SELECT on " + SchemaPrivileges.TABLE;
		}
		catch (SQLException ex) {
			throw explain(ex, ingest);
		}
	}

	/** Whether the session is encrypted, as the server sees it, and what chose the mode. */
	private String tlsInUse(Connection connection) throws SQLException {
		String mode = this.tls.describeMode(url());
		try (PreparedStatement statement = connection
			.prepareStatement("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
				ResultSet result = statement.executeQuery()) {
			if (result.next() && result.getBoolean(1)) {
				return "TLS " + result.getString(2) + " (mode " + mode + ")";
			}
		}
		return "no TLS (mode " + mode + ")";
	}

	// Read here rather than by pgjdbc, whose message for a missing file does not name the setting.
	private void checkRootCert() {
		if (this.tls.rootCert().isEmpty()) {
			return;
		}
		Path file = this.tls.rootCert().get();
		String named = "The CA bundle " + file + ", named by " + Setting.SSL_ROOT_CERT + ", ";
		String action = "Mount there the PEM file of the CA certificates that sign the database server's "
				+ "certificate (for Amazon RDS, global-bundle.pem; docs/database-security.md), or correct the path.";
		if (!Files.exists(file)) {
			throw new StartupCheckException(named + "does not exist.", action, null);
		}
		try (InputStream in = Files.newInputStream(file)) {
			if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
				throw new StartupCheckException(named + "holds no certificate.", action, null);
			}
		}
		catch (IOException ex) {
			throw new StartupCheckException(named + "cannot be read: " + firstLine(ex.toString()) + ".", action, null);
		}
		catch (GeneralSecurityException ex) {
			throw new StartupCheckException(named + "is not a PEM file of certificates: " + firstLine(ex.getMessage())
					+ ".", action, null);
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

	private String url() {
		return (this.dataSource instanceof HikariDataSource hikari) ? hikari.getJdbcUrl() : null;
	}

	private String username() {
		return (this.dataSource instanceof HikariDataSource hikari) ? hikari.getUsername() : null;
	}

	private StartupCheckException explain(SQLException ex, SchemaPrivileges.Role role) {
		JdbcUrl target = JdbcUrl.parse(url(), username());
		String state = (ex.getSQLState() != null) ? ex.getSQLState() : "";
		String reason = firstLine(ex.getMessage()) + " (SQLSTATE " + state + ")";
		String credentials = "Set " + role.userSetting() + " and " + role.passwordSetting()
				+ " to a login of that database server.";
		StartupCheckException tlsFailure = explainTls(ex, target);
		if (tlsFailure != null) {
			return tlsFailure;
		}
		UnknownHostException unknownHost = findCause(ex, UnknownHostException.class);
		if (unknownHost != null) {
			return new StartupCheckException("The database server's host name in " + Setting.DATASOURCE_URL + ", '"
					+ target.hosts() + "', does not resolve: the DNS knows no such host (" + reason + ").",
					"Correct the host in " + Setting.DATASOURCE_URL + " (for Amazon RDS, the instance's endpoint), "
							+ "and check that this machine's DNS resolves it.",
					ex);
		}
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
					+ role.username() + "', set by " + role.passwordSetting() + ": " + reason + ".", credentials, ex);
		}
		if (state.startsWith("28")) {
			return new StartupCheckException("The database server at " + target.server() + " refused user '"
					+ role.username() + "', named by " + role.userSetting() + ": " + reason + ".",
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
				+ role.username() + "': " + reason + ".",
				"Fix what the server's message says. The connection settings are " + Setting.DATASOURCE_URL + ", "
						+ role.userSetting() + " and " + role.passwordSetting() + ".",
				ex);
	}

	/** pgjdbc's TLS refusals, told apart by their messages and causes; null for any other failure. */
	private StartupCheckException explainTls(SQLException ex, JdbcUrl target) {
		String message = String.valueOf(ex.getMessage());
		String mode = this.tls.describeMode(url());
		String doNotLower = " Lowering " + Setting.SSL_MODE + " to get past this would let any server in between "
				+ "read the rows and the password.";
		if (message.contains("does not support SSL")) {
			return new StartupCheckException("The database server at " + target.server()
					+ " does not offer TLS, and the TLS mode is " + mode + ".",
					"Turn on TLS (ssl = on) in that server, or set " + Setting.DATASOURCE_URL
							+ " to one that has it. Only on a network you trust end to end, set " + Setting.SSL_MODE
							+ " to prefer.",
					ex);
		}
		if (message.contains("could not be verified by hostnameverifier")) {
			return new StartupCheckException("The database server's certificate does not name the host '"
					+ target.hosts() + "' that " + Setting.DATASOURCE_URL + " connects to. The TLS mode is " + mode + ".",
					"Write the host in " + Setting.DATASOURCE_URL + " as the certificate names it (for Amazon RDS, "
							+ "the instance's endpoint, not an IP address or an alias)." + doNotLower,
					ex);
		}
		if (message.contains("SSL root certificate file")) {
			return new StartupCheckException("The TLS mode " + mode + " checks the server's certificate, but no CA "
					+ "bundle is set: " + firstLine(message),
					"Set " + Setting.SSL_ROOT_CERT + " to the PEM file of the CA certificates that sign the server's "
							+ "certificate (for Amazon RDS, global-bundle.pem; docs/database-security.md).",
					ex);
		}
		Throwable handshake = findCause(ex, SSLException.class);
		if (handshake != null || message.startsWith("SSL error")) {
			String bundle = this.tls.rootCert()
				.map((file) -> "the CA bundle " + file + ", named by " + Setting.SSL_ROOT_CERT + ",")
				.orElse("the CA bundle pgjdbc looked for (" + Setting.SSL_ROOT_CERT + " is not set)");
			return new StartupCheckException("The database server at " + target.server()
					+ " presented a certificate that " + bundle + " does not vouch for: " + rootMessage(ex)
					+ ". The TLS mode is " + mode + ".",
					"Set " + Setting.SSL_ROOT_CERT + " to the PEM file of the CA that signed the server's certificate "
							+ "(for Amazon RDS, global-bundle.pem; docs/database-security.md)." + doNotLower,
					ex);
		}
		return null;
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

	/** The first cause of {@code failure}, itself included, of {@code type}; {@code null} when none is. */
	static <T extends Throwable> T findCause(Throwable failure, Class<T> type) {
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
		}
		return null;
	}

	/** The first line of the message of {@code failure}'s innermost cause. */
	static String rootMessage(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return firstLine((root.getMessage() != null) ? root.getMessage() : root.toString());
	}

	static String firstLine(String message) {
		if (message == null) {
			return "no message";
		}
		int end = message.indexOf('\n');
		return ((end < 0) ? message : message.substring(0, end)).strip();
	}

}
