package com.loginetl.bench;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.loginetl.storage.NewLoginInsertsImpl;
import com.loginetl.storage.UserLogin;
import com.loginetl.support.JdbcTarget;
import com.loginetl.support.TestPostgres;
import org.flywaydb.core.Flyway;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import static com.loginetl.bench.Benchmark.say;

/**
 * What a big {@code user_logins} costs the service's insert: the service's own statement
 * ({@link NewLoginInsertsImpl}, ten rows a statement, one transaction each, as a full SQS batch),
 * timed against the partitioned table of V4 and against the same table unpartitioned, each empty
 * and then loaded with {@code bench.tableRows} synthetic rows spread over the previous 12 months
 * ({@code generate_series}, not through the service), with and without the analysts' indexes on
 * {@code masked_device_id} and {@code masked_ip}. All variants in one run, on one server, so they
 * compare; it also times loading, index builds and the V4 conversion of the loaded unpartitioned
 * table.
 * <p>
 * {@code mvn -B -Pbench test-compile exec:exec@table-benchmark [-Dbench.tableRows=10000000]}; the
 * server is TestPostgres's (embedded, or {@code LOGINS_TEST_JDBC_URL}).
 */
public final class TableBench {

	private static final int ROWS_PER_STATEMENT = 10;

	private static final String ANALYST_INDEXES = """
			CREATE INDEX user_logins_masked_device_id_idx ON user_logins (masked_device_id);
			CREATE INDEX user_logins_masked_ip_idx ON user_logins (masked_ip);
			""";

	private static final String DROP_ANALYST_INDEXES = """
			DROP INDEX user_logins_masked_device_id_idx;
			DROP INDEX user_logins_masked_ip_idx;
			""";

	private TableBench() {
	}

	public static void main(String[] args) {
		((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
		int rows = Integer.getInteger("bench.tableRows", 1_000_000);
		int statements = Integer.getInteger("bench.tableStatements", 2_000);
		// "off" leaves out the commit's WAL flush, which on a slow disk hides what the table costs.
		String synchronousCommit = System.getProperty("bench.tableSynchronousCommit", "on");
		TestPostgres server = TestPostgres.instance();
		say("table benchmark %s: %,d rows loaded over 12 months, %,d statements of %d rows timed per variant, "
				+ "synchronous_commit %s; %s", Instant.now(), rows, statements, ROWS_PER_STATEMENT, synchronousCommit,
				server.describe());
		for (boolean partitioned : new boolean[] { false, true }) {
			JdbcTarget database = server.newDatabase();
			SingleConnectionDataSource dataSource = new SingleConnectionDataSource(database.url(), database.username(),
					database.password(), true);
			JdbcClient jdbc = JdbcClient.create(dataSource);
			String shape = partitioned ? "partitioned" : "unpartitioned";
			create(database, jdbc, partitioned);
			jdbc.sql("SELECT set_config('synchronous_commit', ?, false)").param(synchronousCommit).query(String.class)
				.single();
			time(jdbc, shape, "empty", "without analyst indexes", statements);
			run(jdbc, ANALYST_INDEXES);
			time(jdbc, shape, "empty", "with analyst indexes", statements);
			run(jdbc, DROP_ANALYST_INDEXES);
			long started = System.nanoTime();
			load(jdbc, rows);
			say("  %s: loading %,d rows took %.1f s", shape, rows, seconds(started));
			started = System.nanoTime();
			run(jdbc, ANALYST_INDEXES);
			run(jdbc, "VACUUM ANALYZE user_logins");
			say("  %s: analyst indexes and VACUUM ANALYZE took %.1f s", shape, seconds(started));
			time(jdbc, shape, "loaded", "with analyst indexes", statements);
			run(jdbc, DROP_ANALYST_INDEXES);
			time(jdbc, shape, "loaded", "without analyst indexes", statements);
			if (!partitioned) {
				long total = jdbc.sql("SELECT count(*) FROM user_logins").query(Long.class).single();
				started = System.nanoTime();
				Flyway.configure()
					.dataSource(database.url(), database.username(), database.password())
					.load()
					.migrate();
				say("  V4 conversion of the loaded unpartitioned table (%,d rows, no analyst indexes before): %.1f s",
						total, seconds(started));
			}
			dataSource.destroy();
		}
	}

	/** V1 to V3, then as V4 but without partitions; or all migrations and the 13 months' partitions. */
	private static void create(JdbcTarget database, JdbcClient jdbc, boolean partitioned) {
		Flyway.configure()
			.dataSource(database.url(), database.username(), database.password())
			.target(partitioned ? "latest" : "3")
			.load()
			.migrate();
		if (partitioned) {
			run(jdbc, DROP_ANALYST_INDEXES);
			YearMonth current = YearMonth.now(ZoneOffset.UTC);
			for (int back = 12; back >= 0; back--) {
				YearMonth month = current.minusMonths(back);
				run(jdbc, "CREATE TABLE user_logins_" + month.toString().replace('-', '_') + " PARTITION OF user_logins "
						+ "FOR VALUES FROM ('" + month.atDay(1) + "') TO ('" + month.plusMonths(1).atDay(1) + "')");
			}
		}
		else {
			// The key the service's statement names, as V4 has it, on a plain table.
			run(jdbc, """
					ALTER TABLE user_logins ADD COLUMN masked_ip_network varchar(256);
					DROP INDEX user_logins_sqs_message_id_key;
					ALTER TABLE user_logins ADD CONSTRAINT user_logins_key UNIQUE (sqs_message_id, create_date);
					""");
		}
	}

	/** Synthetic rows over the 12 months before the current one, with values that repeat as logins do. */
	private static void load(JdbcClient jdbc, int rows) {
		LocalDate first = YearMonth.now(ZoneOffset.UTC).minusMonths(12).atDay(1);
		run(jdbc, String.format(Locale.ROOT, """
				INSERT INTO user_logins (user_id, device_type, masked_ip, masked_device_id, masked_ip_network, locale,
				                         app_version, create_date, sqs_message_id)
				SELECT 'user-' || (n %% 2000000), 'android', 'AcZMrN' || md5('ip' || (n %% 3000000)),
				       'AcZMrN' || md5('dev' || (n %% 2500000)), 'AcZMrN' || md5('net' || (n %% 200000)), 'EN', '2.3.0',
				       DATE '%s' + (n %% 365), md5(n::text)::uuid::text
				FROM generate_series(1, %d) AS n
				""", first, rows));
	}

	private static void time(JdbcClient jdbc, String shape, String state, String indexes, int statements) {
		NewLoginInsertsImpl inserts = new NewLoginInsertsImpl(jdbc);
		LocalDate today = LocalDate.now(ZoneOffset.UTC);
		// A tenth of the statements warm up the connection, plan cache and JIT, untimed.
		for (int i = 0; i < statements / 10; i++) {
			inserts.insertNew(batch(today));
		}
		long started = System.nanoTime();
		for (int i = 0; i < statements; i++) {
			inserts.insertNew(batch(today));
		}
		double seconds = seconds(started);
		int rows = statements * ROWS_PER_STATEMENT;
		say("  %-13s %-6s %-24s %7.0f rows/s   %6.1f µs a row   %5.2f ms a statement", shape, state, indexes,
				rows / seconds, seconds * 1e6 / rows, seconds * 1e3 / statements);
	}

	private static List<UserLogin> batch(LocalDate today) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		List<UserLogin> rows = new ArrayList<>(ROWS_PER_STATEMENT);
		for (int i = 0; i < ROWS_PER_STATEMENT; i++) {
			rows.add(new UserLogin(null, UUID.randomUUID().toString(), "user-" + random.nextInt(2_000_000), "ios",
					"AcZMrN" + Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()),
					"AcZMrN" + Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()),
					"AcZMrN" + Long.toHexString(random.nextLong()), "EN", "2.3.0", today));
		}
		return rows;
	}

	private static void run(JdbcClient jdbc, String sql) {
		jdbc.sql(sql).update();
	}

	private static double seconds(long startedNanos) {
		return (System.nanoTime() - startedNanos) / 1e9;
	}

}
