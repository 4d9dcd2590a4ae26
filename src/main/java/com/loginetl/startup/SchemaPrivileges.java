package com.loginetl.startup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What each of the two database roles needs, checked on a connection of that role, with a report
 * that names the role and the statement that gives it what it lacks (docs/database-security.md):
 * <ul>
 * <li>the <b>schema owner</b> ({@code spring.flyway.user}) creates tables in the schema and owns the
 * service's tables: it migrates them, and creates, attaches and drops month partitions;</li>
 * <li>the <b>ingest</b> role ({@code spring.datasource.username}) inserts rows into
 * {@code user_logins} and reads them back ({@code INSERT ... ON CONFLICT ... RETURNING});
 * partitions are reached through the parent, whose grants PostgreSQL checks alone.</li>
 * </ul>
 */
final class SchemaPrivileges {

	static final String TABLE = "user_logins";

	private static final String DOCS = "docs/database-security.md";

	// The service's relations: the table, its partitions, the analysts' views, Flyway's history.
	private static final String NOT_OWNED = """
			SELECT c.relname, pg_get_userbyid(c.relowner)
			FROM pg_class c
			WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p', 'v')
			  AND (c.relname IN ('user_logins', 'user_logins_shared_devices', 'user_logins_shared_ips',
			                     'flyway_schema_history')
			       OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = to_regclass('user_logins')))
			  AND NOT pg_has_role(current_user, c.relowner, 'USAGE')
			ORDER BY c.relname
			""";

	private SchemaPrivileges() {
	}

	/**
	 * Before the migration: the owner may create tables in its schema and owns what is there already.
	 * @return the schema
	 */
	static String checkOwner(Connection connection, Role owner, JdbcUrl target) throws SQLException {
		String schema = "public";
		boolean mayCreate;
		try (PreparedStatement statement = connection.prepareStatement(
				"SELECT coalesce(current_schema(), 'public'), has_schema_privilege(coalesce(current_schema(), 'public'), 'CREATE')");
				ResultSet result = statement.executeQuery()) {
			result.next();
			schema = result.getString(1);
			mayCreate = result.getBoolean(2);
		}
		if (!mayCreate) {
			throw new StartupCheckException("The database user '" + owner.username() + "', named by "
					+ owner.userSetting() + ", may not create the service's tables in schema " + schema
					+ " of the database '" + target.database() + "' on " + target.server() + ". As the schema owner "
					+ "it migrates the schema and creates the month partitions, so it needs that right.",
					"Grant it, as the schema's owner: GRANT CREATE ON SCHEMA " + schema + " TO " + owner.username()
							+ "; or set " + owner.userSetting() + " to the role that owns the service's tables ("
							+ DOCS + ").",
					null);
		}
		List<String> notOwned = new ArrayList<>();
		String holder = null;
		try (PreparedStatement statement = connection.prepareStatement(NOT_OWNED);
				ResultSet result = statement.executeQuery()) {
			while (result.next()) {
				notOwned.add(result.getString(1));
				holder = (holder == null) ? result.getString(2) : holder;
			}
		}
		if (!notOwned.isEmpty()) {
			String first = notOwned.contains(TABLE) ? TABLE : notOwned.get(0);
			String others = (notOwned.size() == 1) ? "" : " and " + (notOwned.size() - 1) + " more of its tables";
			throw new StartupCheckException("The database user '" + owner.username() + "', named by "
					+ owner.userSetting() + ", does not own " + first + others + " (owned by '" + holder
					+ "'), so it cannot migrate them or create and drop partitions.",
					"Make it their owner, as '" + holder + "' or a superuser: ALTER TABLE " + first + " OWNER TO "
							+ owner.username() + ", and the same for " + String.join(", ", notOwned) + " ("
							+ DOCS + ", 'An existing database', does all at once); or set " + owner.userSetting()
							+ " to '" + holder + "'.",
					null);
		}
		return schema;
	}

	/** Whether {@code user_logins} exists in the connection's schema (search path). */
	static boolean tableExists(Connection connection) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("SELECT to_regclass('user_logins') IS NOT NULL");
				ResultSet result = statement.executeQuery()) {
			return result.next() && result.getBoolean(1);
		}
	}

	/** After the migration: the ingest role may insert into and read {@code user_logins}. */
	static void checkIngest(Connection connection, Role ingest, JdbcUrl target) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("""
				SELECT to_regclass('user_logins') IS NOT NULL,
				       coalesce(has_table_privilege(to_regclass('user_logins'), 'INSERT'), false),
				       coalesce(has_table_privilege(to_regclass('user_logins'), 'SELECT'), false),
				       coalesce(current_schema(), 'public')
				"""); ResultSet result = statement.executeQuery()) {
			result.next();
			String where = " in the database '" + target.database() + "' on " + target.server();
			if (!result.getBoolean(1)) {
				throw new StartupCheckException("The database user '" + ingest.username() + "', named by "
						+ ingest.userSetting() + ", cannot see the table " + TABLE + where + ".",
						"Grant it, as the schema's owner: GRANT USAGE ON SCHEMA " + result.getString(4) + " TO "
								+ ingest.username() + "; and GRANT SELECT, INSERT ON " + TABLE + " TO "
								+ ingest.username() + " (" + DOCS + ").",
						null);
			}
			List<String> missing = new ArrayList<>();
			if (!result.getBoolean(2)) {
				missing.add("INSERT");
			}
			if (!result.getBoolean(3)) {
				missing.add("SELECT");
			}
			if (!missing.isEmpty()) {
				throw new StartupCheckException("The database user '" + ingest.username() + "', named by "
						+ ingest.userSetting() + ", lacks " + String.join(" and ", missing) + " on " + TABLE + where
						+ ": the service writes every row as this user, and reads back which were new (the conflict target and RETURNING need SELECT).",
						"Grant them, as the owner of " + TABLE + ": GRANT SELECT, INSERT ON " + TABLE + " TO "
								+ ingest.username() + "; (" + DOCS + ").",
						null);
			}
		}
	}

	/**
	 * What the connection's role may do beyond an ingest role's job: with a schema owner of its
	 * own, each of these lets the role that inserts rows change the schema or the rows stored.
	 * @return phrases such as "is a superuser"; empty when the role has only its own rights
	 */
	static List<String> beyondIngest(Connection connection) throws SQLException {
		List<String> beyond = new ArrayList<>();
		try (PreparedStatement statement = connection.prepareStatement("""
				SELECT r.rolsuper,
				       has_schema_privilege(coalesce(current_schema(), 'public'), 'CREATE'),
				       coalesce(pg_has_role(current_user, c.relowner, 'USAGE'), false),
				       coalesce(has_table_privilege(c.oid, 'UPDATE') OR has_table_privilege(c.oid, 'DELETE')
				                OR has_table_privilege(c.oid, 'TRUNCATE'), false),
				       coalesce(current_schema(), 'public')
				FROM pg_roles r LEFT JOIN pg_class c ON c.oid = to_regclass('user_logins')
				WHERE r.rolname = current_user
				"""); ResultSet result = statement.executeQuery()) {
			if (result.next()) {
				if (result.getBoolean(1)) {
					beyond.add("is a superuser");
				}
				if (result.getBoolean(2)) {
					beyond.add("may create tables in schema " + result.getString(5));
				}
				if (result.getBoolean(3)) {
					beyond.add("owns " + TABLE);
				}
				if (result.getBoolean(4)) {
					beyond.add("may UPDATE, DELETE or TRUNCATE " + TABLE);
				}
			}
		}
		return beyond;
	}

	/**
	 * A database role and the settings that name it and its password.
	 */
	record Role(String username, Setting userSetting, Setting passwordSetting) {

		static Role ingest(String username) {
			return new Role(username, Setting.DATASOURCE_USERNAME, Setting.DATASOURCE_PASSWORD);
		}

		static Role owner(String username) {
			return new Role(username, Setting.FLYWAY_USER, Setting.FLYWAY_PASSWORD);
		}

	}

}
