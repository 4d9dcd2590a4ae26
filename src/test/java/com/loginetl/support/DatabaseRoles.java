package com.loginetl.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The service's two database roles, made in a test database by the statements
 * docs/database-security.md gives (its first {@code sql} block under "Two roles"), with names and
 * passwords of their own, since roles are shared by every database of the server.
 *
 * @param owner the schema owner's login ({@code SPRING_FLYWAY_USER})
 * @param ingest the pool's login ({@code SPRING_DATASOURCE_USERNAME})
 */
public record DatabaseRoles(JdbcTarget owner, JdbcTarget ingest) {

	private static final Path DOCS = Path.of("docs", "database-security.md");

	/** Runs the documented statements as {@code admin}; {@code withoutLinesContaining} leaves some out. */
	public static DatabaseRoles create(JdbcTarget admin, String... withoutLinesContaining) {
		String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
		String owner = "login_owner_" + suffix;
		String ingest = "login_ingest_" + suffix;
		String ownerPassword = UUID.randomUUID().toString();
		String ingestPassword = UUID.randomUUID().toString();
		String database = admin.url().replaceFirst("^.*/([^/?]+)(\\?.*)?$", "$1");
		String sql = documentedStatements().replace("login_owner", owner)
			.replace("login_ingest", ingest)
			.replace("'owner-secret'", "'" + ownerPassword + "'")
			.replace("'ingest-secret'", "'" + ingestPassword + "'")
			.replace("ON DATABASE logins", "ON DATABASE " + database);
		List<String> statements = Arrays.stream(sql.split(";\\s*\\n"))
			.map((statement) -> statement.lines().filter((line) -> !line.strip().startsWith("--")).toList())
			.map((lines) -> String.join("\n", lines).strip())
			.filter((statement) -> !statement.isEmpty())
			.filter((statement) -> Arrays.stream(withoutLinesContaining).noneMatch(statement::contains))
			.toList();
		try (Connection connection = DriverManager.getConnection(admin.url(), admin.username(), admin.password());
				Statement statement = connection.createStatement()) {
			for (String each : statements) {
				statement.execute(each);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("The statements of " + DOCS + " failed: " + ex.getMessage(), ex);
		}
		return new DatabaseRoles(new JdbcTarget(admin.url(), owner, ownerPassword),
				new JdbcTarget(admin.url(), ingest, ingestPassword));
	}

	/** The environment variables that make the service use both roles. */
	public Map<String, String> environment() {
		return Map.of("SPRING_DATASOURCE_USERNAME", this.ingest.username(), "SPRING_DATASOURCE_PASSWORD",
				this.ingest.password(), "SPRING_FLYWAY_USER", this.owner.username(), "SPRING_FLYWAY_PASSWORD",
				this.owner.password());
	}

	/**
	 * Hands the tables of a database one login migrated to the owner role, as "An existing
	 * database" in docs/database-security.md does: its query's statements (psql's {@code \gexec}),
	 * then the grant.
	 */
	public void handOverExistingDatabase(JdbcTarget admin) {
		String[] parts = documentedStatements("### An existing database").replace("login_owner", this.owner.username())
			.replace("login_ingest", this.ingest.username())
			.split(Pattern.quote("\\gexec"));
		try (Connection connection = DriverManager.getConnection(admin.url(), admin.username(), admin.password());
				Statement statement = connection.createStatement()) {
			List<String> generated = new java.util.ArrayList<>();
			try (java.sql.ResultSet result = statement.executeQuery(parts[0])) {
				while (result.next()) {
					generated.add(result.getString(1));
				}
			}
			for (String each : generated) {
				statement.execute(each);
			}
			statement.execute(parts[1].strip());
		}
		catch (SQLException ex) {
			throw new IllegalStateException("The hand-over of " + DOCS + " failed: " + ex.getMessage(), ex);
		}
	}

	private static String documentedStatements() {
		return documentedStatements("## Two roles");
	}

	private static String documentedStatements(String heading) {
		try {
			String docs = Files.readString(DOCS);
			int section = docs.indexOf(heading);
			int start = docs.indexOf("```sql\n", section) + "```sql\n".length();
			return docs.substring(start, docs.indexOf("```", start));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
