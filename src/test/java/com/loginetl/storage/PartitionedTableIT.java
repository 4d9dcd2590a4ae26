package com.loginetl.storage;

import java.sql.Connection;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.loginetl.support.JdbcTarget;
import com.loginetl.support.TestPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * V4 against a real PostgreSQL: a V3 table with rows becomes the partitioned table with its rows,
 * and the partitioned table keeps inserts idempotent, ids unique, and the analysts' views right.
 */
class PartitionedTableIT {

	private JdbcTarget database;

	private JdbcClient jdbc;

	@BeforeEach
	void emptyDatabase() {
		this.database = TestPostgres.instance().newDatabase();
		this.jdbc = JdbcClient.create(new DriverManagerDataSource(this.database.url(), this.database.username(),
				this.database.password()));
	}

	@Test
	void aV3TableWithRowsIsConvertedWithAPartitionForEachMonthThatHasRows() {
		migrate("3");
		this.jdbc.sql("""
				INSERT INTO user_logins (user_id, device_type, masked_ip, masked_device_id, locale, app_version,
				                         create_date, sqs_message_id)
				VALUES ('u1', 'ios', 'ip-a', 'dev-a', 'EN', '1.0', DATE '2025-11-30', 'm1'),
				       ('u2', 'ios', 'ip-b', 'dev-a', 'EN', '1.0', DATE '2025-12-01', 'm2'),
				       ('u3', 'ios', 'ip-b', 'dev-b', 'EN', '1.0', DATE '2025-12-31', 'm3'),
				       ('u4', 'ios', 'ip-c', 'dev-c', NULL, '2.00', NULL, NULL),
				       ('u5', 'ios', 'ip-c', 'dev-c', NULL, '2.00', DATE '2026-03-15', NULL)
				""").update();
		Map<String, Long> idsBefore = ids();

		migrate(null);

		assertThat(rowsByPartition()).containsOnly(Map.entry("user_logins_2025_11", 1L),
				Map.entry("user_logins_2025_12", 2L), Map.entry("user_logins_2026_03", 1L),
				Map.entry("user_logins_default", 1L));
		assertThat(this.jdbc.sql("SELECT user_id FROM user_logins_default").query(String.class).list())
			.containsExactly("u4");
		assertThat(ids()).isEqualTo(idsBefore);
		assertThat(this.jdbc.sql("SELECT app_version FROM user_logins WHERE user_id = 'u4'").query(String.class).single())
			.isEqualTo("2.00");
		assertThat(this.jdbc.sql("SELECT relkind::text FROM pg_class WHERE relname = 'user_logins'")
			.query(String.class)
			.single()).as("partitioned table").isEqualTo("p");
		// New rows get ids after the old ones.
		insert("m6", "u6", LocalDate.of(2025, 12, 2));
		assertThat(ids().get("u6")).isGreaterThan(idsBefore.values().stream().max(Long::compare).orElseThrow());
	}

	@Test
	void aFreshDatabaseGetsThePartitionedTableWithItsKeysIndexesAndViews() {
		migrate(null);

		assertThat(this.jdbc.sql("SELECT pg_get_partkeydef('user_logins'::regclass)").query(String.class).single())
			.isEqualTo("RANGE (create_date)");
		assertThat(rowsByPartition()).isEmpty();
		assertThat(this.jdbc.sql("""
				SELECT indexname FROM pg_indexes WHERE tablename = 'user_logins_default' ORDER BY indexname
				""").query(String.class).list()).hasSize(4)
			.anySatisfy((name) -> assertThat(name).contains("masked_device_id"))
			.anySatisfy((name) -> assertThat(name).contains("masked_ip"))
			.anySatisfy((name) -> assertThat(name).contains("sqs_message_id_create_date"))
			.anySatisfy((name) -> assertThat(name).contains("_id_idx"));
		assertThat(this.jdbc.sql("SELECT count(*) FROM information_schema.views WHERE table_name IN "
				+ "('user_logins_shared_devices', 'user_logins_shared_ips')").query(Long.class).single()).isEqualTo(2);
	}

	/**
	 * Storage level: two writes of one message, the second as a redelivery processed on another day
	 * would make it, with the create_date of the message's SentTimestamp. The second adds no row,
	 * even where the first went to DEFAULT and a month partition came between the two.
	 */
	@Test
	void aSecondWriteOfAMessageWithItsSentDateAddsNoRowInAnyPartition() {
		migrate(null);
		NewLoginInsertsImpl inserts = new NewLoginInsertsImpl(this.jdbc);
		LocalDate sentDate = LocalDate.of(2026, 4, 30);
		List<UserLogin> delivery = List.of(row("m-1", "u1", sentDate), row("m-2", "u2", sentDate));

		assertThat(inserts.insertNew(delivery)).containsExactlyInAnyOrder("m-1", "m-2");
		assertThat(inserts.insertNew(delivery.subList(0, 1))).isEmpty();
		this.jdbc.sql("CREATE TABLE user_logins_2026_05 PARTITION OF user_logins "
				+ "FOR VALUES FROM ('2026-05-01') TO ('2026-06-01')").update();
		insert("m-3", "u3", LocalDate.of(2026, 5, 1));
		moveDefaultRowsIntoAPartitionOfApril();

		assertThat(inserts.insertNew(delivery)).isEmpty();
		assertThat(inserts.insertNew(List.of(row("m-3", "u3", LocalDate.of(2026, 5, 1))))).isEmpty();
		assertThat(this.jdbc.sql("SELECT count(*) FROM user_logins").query(Long.class).single()).isEqualTo(3);
		assertThat(rowsByPartition()).containsOnly(Map.entry("user_logins_2026_04", 2L),
				Map.entry("user_logins_2026_05", 1L));
	}

	@Test
	void idsStayUniqueAcrossPartitions() {
		migrate(null);
		this.jdbc.sql("CREATE TABLE user_logins_2026_01 PARTITION OF user_logins "
				+ "FOR VALUES FROM ('2026-01-01') TO ('2026-02-01')").update();
		this.jdbc.sql("CREATE TABLE user_logins_2026_02 PARTITION OF user_logins "
				+ "FOR VALUES FROM ('2026-02-01') TO ('2026-03-01')").update();
		for (int i = 0; i < 30; i++) {
			insert("m" + i, "u" + i, (i % 3 == 0) ? null : LocalDate.of(2026, 1 + i % 2, 5));
		}

		assertThat(rowsByPartition()).containsOnlyKeys("user_logins_2026_01", "user_logins_2026_02",
				"user_logins_default");
		assertThat(this.jdbc.sql("SELECT count(DISTINCT id) FROM user_logins").query(Long.class).single())
			.isEqualTo(30);
	}

	@Test
	void theSharedDeviceAndIpViewsListTokensOfMoreThanOneUserWithCountsAndDates() {
		migrate(null);
		insert("m1", "alice", "ip-1", "dev-1", LocalDate.of(2026, 1, 3));
		insert("m2", "bob", "ip-1", "dev-1", LocalDate.of(2026, 2, 7));
		insert("m3", "bob", "ip-2", "dev-1", LocalDate.of(2026, 2, 9));
		insert("m4", "carol", "ip-3", "dev-2", LocalDate.of(2026, 2, 9));
		insert("m5", "carol", "ip-3", "dev-2", LocalDate.of(2026, 2, 10));

		assertThat(this.jdbc.sql("SELECT * FROM user_logins_shared_devices").query().listOfRows())
			.containsExactly(Map.of("masked_device_id", "dev-1", "users", 2L, "logins", 3L, "first_seen",
					Date.valueOf("2026-01-03"), "last_seen", Date.valueOf("2026-02-09")));
		assertThat(this.jdbc.sql("SELECT * FROM user_logins_shared_ips").query().listOfRows())
			.containsExactly(Map.of("masked_ip", "ip-1", "users", 2L, "logins", 2L, "first_seen",
					Date.valueOf("2026-01-03"), "last_seen", Date.valueOf("2026-02-07")));
	}

	/** "Who else used this device" goes through the partitioned index, not a scan of every row. */
	@Test
	void aLookupByDeviceOrIpTokenCanUseThePartitionedIndexes() throws SQLException {
		migrate(null);
		insert("m1", "alice", "ip-1", "dev-1", LocalDate.of(2026, 1, 3));
		this.jdbc.sql("ANALYZE user_logins").update();
		// The planner prefers a scan of so small a table; forbidding scans shows the index is there to use.
		String devicePlan = plan("SELECT DISTINCT user_id FROM user_logins WHERE masked_device_id = 'dev-1'");
		String ipPlan = plan("SELECT DISTINCT user_id FROM user_logins WHERE masked_ip = 'ip-1'");

		assertThat(devicePlan).contains("masked_device_id_idx");
		assertThat(ipPlan).contains("masked_ip_idx");
	}

	private String plan(String query) throws SQLException {
		try (Connection connection = DriverManager.getConnection(this.database.url(), this.database.username(),
				this.database.password()); Statement statement = connection.createStatement()) {
			statement.execute("SET enable_seqscan = off");
			StringBuilder plan = new StringBuilder();
			try (ResultSet lines = statement.executeQuery("EXPLAIN " + query)) {
				while (lines.next()) {
					plan.append(lines.getString(1)).append('\n');
				}
			}
			return plan.toString();
		}
	}

	private void moveDefaultRowsIntoAPartitionOfApril() {
		this.jdbc.sql("""
				CREATE TABLE user_logins_2026_04 (LIKE user_logins INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
				WITH moved AS (DELETE FROM user_logins_default RETURNING *) INSERT INTO user_logins_2026_04 SELECT * FROM moved;
				ALTER TABLE user_logins ATTACH PARTITION user_logins_2026_04 FOR VALUES FROM ('2026-04-01') TO ('2026-05-01');
				""").update();
	}

	private void migrate(String target) {
		var configuration = Flyway.configure()
			.dataSource(this.database.url(), this.database.username(), this.database.password());
		if (target != null) {
			configuration.target(target);
		}
		configuration.load().migrate();
	}

	private Map<String, Long> rowsByPartition() {
		Map<String, Long> rows = new TreeMap<>();
		this.jdbc.sql("SELECT tableoid::regclass::text AS partition, count(*) AS n FROM user_logins GROUP BY 1")
			.query((rs, n) -> rows.put(rs.getString("partition"), rs.getLong("n")))
			.list();
		return rows;
	}

	private Map<String, Long> ids() {
		Map<String, Long> ids = new TreeMap<>();
		this.jdbc.sql("SELECT user_id, id FROM user_logins")
			.query((rs, n) -> ids.put(rs.getString("user_id"), rs.getLong("id")))
			.list();
		return ids;
	}

	private void insert(String messageId, String userId, LocalDate createDate) {
		insert(messageId, userId, "ip", "device", createDate);
	}

	private void insert(String messageId, String userId, String ip, String device, LocalDate createDate) {
		this.jdbc.sql("""
				INSERT INTO user_logins (sqs_message_id, user_id, masked_ip, masked_device_id, create_date)
				VALUES (?, ?, ?, ?, ?)""")
			.param(messageId)
			.param(userId)
			.param(ip)
			.param(device)
			.param((createDate != null) ? Date.valueOf(createDate) : null)
			.update();
	}

	private static UserLogin row(String messageId, String userId, LocalDate createDate) {
		return new UserLogin(null, messageId, userId, "ios", "ip", "device", "net", "EN", "1.0", createDate);
	}

}
