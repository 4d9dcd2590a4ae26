package com.loginetl.recover;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.loginetl.masking.Keysets;
import com.loginetl.masking.MaskingMode;
import com.loginetl.masking.MaskingProperties;
import com.loginetl.masking.PiiField;
import com.loginetl.masking.PiiMasker;
import com.loginetl.support.JdbcTarget;
import com.loginetl.support.LocalKms;
import com.loginetl.support.TestPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** remask against a real PostgreSQL with the service's schema, while rows keep arriving. */
class RemaskIT {

	private final String oldKeyset = Keysets.generate();

	private final String rotatedKeyset = Keysets.rotate(this.oldKeyset);

	private final PiiMasker oldMasker = PiiMasker.from(new MaskingProperties(this.oldKeyset, null));

	private final PiiMasker newMasker = PiiMasker.from(new MaskingProperties(this.rotatedKeyset, null));

	/** The values behind each row, by user_id: a test's own bookkeeping, never stored. */
	private final Map<String, String[]> values = new HashMap<>();

	private static final int MONTHS = 3;

	private JdbcTarget database;

	private JdbcClient jdbc;

	@BeforeEach
	void migratedDatabase() {
		this.database = TestPostgres.instance().newDatabase();
		Flyway.configure()
			.dataSource(this.database.url(), this.database.username(), this.database.password())
			.load()
			.migrate();
		this.jdbc = JdbcClient.create(new DriverManagerDataSource(this.database.url(), this.database.username(),
				this.database.password()));
		// Rows spread over three month partitions (and DEFAULT for rows without a date): remask
		// walks ids across all of them.
		for (int month = 0; month < MONTHS; month++) {
			LocalDate first = LocalDate.now().withDayOfMonth(1).minusMonths(month);
			this.jdbc.sql("CREATE TABLE user_logins_m" + month + " PARTITION OF user_logins FOR VALUES FROM ('" + first
					+ "') TO ('" + first.plusMonths(1) + "')").update();
		}
	}

	@Test
	void rewritesOldKeyTokensIntoPrimaryKeyTokensSoOneValueHasOneTokenAgain() {
		insertRows(this.oldMasker, 0, 40);
		insertRows(this.newMasker, 40, 10);
		insertRow(this.oldMasker, "no-pii", null, null);

		Tools.Run remask = remask("--batch-size=7");

		assertThat(remask.exit()).as(remask.err()).isZero();
		assertThat(remask.out()).contains("51 rows read")
			.containsPattern("tokens rewritten into primary key \\d+ tokens: +120 \\(in 40 rows\\)")
			.containsPattern("tokens the primary key had made already: +30")
			.contains("every token read is now a primary-key token");
		assertEveryRowHasThePrimaryKeysTokensOfItsValues(51);
		assertThat(this.jdbc.sql("SELECT count(DISTINCT tableoid) FROM user_logins").query(Long.class).single())
			.isEqualTo(MONTHS + 1);
		// Rows 0 and 40 hold the same ip, once masked under each key: one token again.
		assertThat(row("u0").get("masked_ip")).isEqualTo(row("u40").get("masked_ip"));
	}

	@Test
	void keepsUpWithRowsTheServiceWritesMeanwhile() throws Exception {
		insertRows(this.oldMasker, 0, 300);
		AtomicBoolean remaskDone = new AtomicBoolean();
		AtomicInteger written = new AtomicInteger();
		// As the service does after the rollout: new rows, tokens of the new primary key, own transactions.
		CompletableFuture<Void> service = CompletableFuture.runAsync(() -> {
			int n = 1000;
			while (!remaskDone.get() || written.get() < 20) {
				insertRows(this.newMasker, n, 1);
				n++;
				written.incrementAndGet();
			}
		});

		Tools.Run remask = remask("--batch-size=5");
		remaskDone.set(true);
		service.get(30, TimeUnit.SECONDS);

		assertThat(remask.exit()).as(remask.err()).isZero();
		assertThat(remask.out()).contains("tokens rewritten").contains("remask: done up to id");
		assertEveryRowHasThePrimaryKeysTokensOfItsValues(300 + written.get());
	}

	@Test
	void aRowChangedBetweenReadAndUpdateIsLeftAloneAndCounted() {
		insertRows(this.oldMasker, 0, 6);
		String otherWritersToken = this.newMasker.mask(PiiField.IP, "192.0.2.99");
		Remasker remasker = new Remasker(this.jdbc, this.newMasker, 3, (ids) -> {
			if (ids.contains(id("u1"))) {
				this.jdbc.sql("UPDATE user_logins SET masked_ip = ? WHERE user_id = 'u1'").param(otherWritersToken).update();
			}
		});

		Remasker.Summary summary = remasker.run(0, (soFar) -> {
		});

		assertThat(summary.rowsChangedMeanwhile()).isEqualTo(1);
		assertThat(summary.rowsRewritten()).isEqualTo(5);
		assertThat(summary.tokensRewritten()).isEqualTo(15);
		assertThat(summary.complete()).isFalse();
		assertThat(row("u1").get("masked_ip")).isEqualTo(otherWritersToken);
		assertThat(this.oldMasker.unmask((String) row("u1").get("masked_device_id"))).isPresent();

		Remasker.Summary again = new Remasker(this.jdbc, this.newMasker, 3).run(0, (soFar) -> {
		});

		assertThat(again.complete()).isTrue();
		assertThat(again.rowsRewritten()).isEqualTo(1);
		assertThat(this.newMasker.madeByPrimaryKey((String) row("u1").get("masked_device_id"))).isTrue();
	}

	@Test
	void aRunThatDiesHalfwayIsFinishedByRunningAgain() {
		insertRows(this.oldMasker, 0, 20);
		AtomicInteger batches = new AtomicInteger();

		assertThatThrownBy(() -> new Remasker(this.jdbc, this.newMasker, 5).run(0, (soFar) -> {
			if (batches.incrementAndGet() == 2) {
				throw new IllegalStateException("killed");
			}
		})).hasMessage("killed");

		assertThat(primaryTokenRows()).isEqualTo(10);
		Tools.Run again = remask("--batch-size=5");
		assertThat(again.exit()).as(again.err()).isZero();
		assertThat(again.out()).containsPattern("tokens rewritten into primary key \\d+ tokens: +30 \\(in 10 rows\\)")
			.containsPattern("tokens the primary key had made already: +30");
		assertEveryRowHasThePrimaryKeysTokensOfItsValues(20);
	}

	@Test
	void afterIdResumesWhereAnEarlierRunStopped() {
		insertRows(this.oldMasker, 0, 10);
		long fifth = id("u4");

		Tools.Run remask = remask("--after-id=" + fifth);

		assertThat(remask.exit()).isZero();
		assertThat(remask.out()).contains("5 rows read");
		assertThat(primaryTokenRows()).isEqualTo(5);
		assertThat(this.newMasker.madeByPrimaryKey((String) row("u4").get("masked_ip"))).isFalse();
		assertThat(this.newMasker.madeByPrimaryKey((String) row("u5").get("masked_ip"))).isTrue();
	}

	@Test
	void tokensNoKeyOfTheKeysetMadeAreLeftAsTheyAreAndReported() {
		insertRows(this.oldMasker, 0, 3);
		PiiMasker stranger = PiiMasker.from(new MaskingProperties(Keysets.generate(), null));
		String foreign = stranger.mask(PiiField.IP, "10.0.0.1");
		insertRow(stranger, "foreign", "10.0.0.1", null);

		Tools.Run remask = remask();

		assertThat(remask.exit()).isEqualTo(1);
		assertThat(remask.out()).containsPattern("no key of this keyset made \\(left unchanged\\): +2")
			.contains("Do not retire old keys yet");
		assertThat(row("foreign").get("masked_ip")).isEqualTo(foreign);
		assertThat(primaryTokenRows()).isEqualTo(3);
	}

	@Test
	void anIrreversibleKeysetIsRefusedWithTheReason() {
		String oneWay = Keysets.generate(MaskingMode.IRREVERSIBLE);
		PiiMasker oldOneWay = PiiMasker.from(new MaskingProperties(oneWay, null));
		insertRows(oldOneWay, 0, 2);
		String before = (String) row("u0").get("masked_ip");

		Tools.Run remask = Tools.run(args(), "", Map.of("LOGINS_MASKING_KEYSET", Keysets.rotate(oneWay)));

		assertThat(remask.exit()).isEqualTo(1);
		assertThat(remask.err()).contains("irreversible").contains("cannot be rewritten").contains("raw values");
		assertThat(row("u0").get("masked_ip")).isEqualTo(before);
	}

	@Test
	void withoutADatabaseItSaysWhatToSet() {
		Tools.Run remask = Tools.run(new String[] { "remask" }, "", Map.of("LOGINS_MASKING_KEYSET", this.rotatedKeyset));

		assertThat(remask.exit()).isEqualTo(1);
		assertThat(remask.err()).contains("SPRING_DATASOURCE_URL");
	}

	@Test
	void theDevelopmentKeysetIsRefusedAsByTheService() {
		Tools.Run remask = Tools.run(args(), "",
				Map.of("LOGINS_MASKING_KEYSET", com.loginetl.support.LocalServices.devKeyset()));

		assertThat(remask.exit()).isEqualTo(1);
		assertThat(remask.err()).contains("development key");
	}

	@Test
	void remaskReadsAKeysetEncryptedUnderKmsNamedOnItsCommandLine() throws Exception {
		try (LocalKms kms = LocalKms.start(); AutoCloseable credentials = LocalKms.credentialsAsSystemProperties()) {
			String key = kms.createKey();
			String encrypted = Keysets.encrypt(this.rotatedKeyset,
					new MaskingProperties(null, null, false, LocalKms.uri(key), kms.endpoint(), null));
			insertRows(this.oldMasker, 0, 5);
			Map<String, Object> environment = Map.of("LOGINS_MASKING_KEYSET", encrypted);

			Tools.Run withoutKey = Tools.run(args(), "", environment);
			Tools.Run remask = Tools.run(args("--kms-key-uri=" + LocalKms.uri(key), "--kms-endpoint=" + kms.endpoint()),
					"", environment);

			assertThat(withoutKey.exit()).isEqualTo(1);
			assertThat(withoutKey.err()).contains("The masking keyset is encrypted",
					"logins.masking.kms-key-uri (LOGINS_MASKING_KMS_KEY_URI)");
			assertThat(remask.exit()).as(remask.err()).isZero();
			assertThat(remask.out()).containsPattern("tokens rewritten into primary key \\d+ tokens: +15 \\(in 5 rows\\)");
		}
	}

	private Tools.Run remask(String... options) {
		return Tools.run(args(options), "", Map.of("LOGINS_MASKING_KEYSET", this.rotatedKeyset));
	}

	private String[] args(String... options) {
		List<String> args = new ArrayList<>(List.of("remask"));
		args.addAll(List.of(options));
		// The database as the service is given it: Spring's datasource settings.
		this.database.springProperties().forEach((name, value) -> args.add("--" + name + "=" + value));
		return args.toArray(String[]::new);
	}

	private void insertRows(PiiMasker masker, int from, int count) {
		for (int i = from; i < from + count; i++) {
			// i and i + 40 share their values, so tokens of one value under both keys meet.
			insertRow(masker, "u" + i, "10.0." + (i % 40) + ".1", "device-" + (i % 40));
		}
	}

	private void insertRow(PiiMasker masker, String userId, String ip, String deviceId) {
		synchronized (this.values) {
			this.values.put(userId, new String[] { ip, deviceId });
		}
		this.jdbc.sql("""
				INSERT INTO user_logins (sqs_message_id, user_id, device_type, masked_ip, masked_device_id,
				                         masked_ip_network, locale, app_version, create_date)
				VALUES (?, ?, 'ios', ?, ?, ?, NULL, '1.0', ?)""")
			.param("message-" + userId)
			.param(userId)
			.param(masker.mask(PiiField.IP, ip))
			.param(masker.mask(PiiField.DEVICE_ID, deviceId))
			.param(masker.mask(PiiField.IP_NETWORK, ip))
			.param((ip == null) ? null : Date.valueOf(LocalDate.now().minusMonths(Math.abs(userId.hashCode()) % MONTHS)))
			.update();
	}

	private void assertEveryRowHasThePrimaryKeysTokensOfItsValues(int expectedRows) {
		List<Map<String, Object>> rows = this.jdbc.sql("SELECT * FROM user_logins").query().listOfRows();
		assertThat(rows).hasSize(expectedRows);
		for (Map<String, Object> row : rows) {
			String[] sent = this.values.get((String) row.get("user_id"));
			assertThat(row.get("masked_ip")).as("ip of %s", row.get("user_id"))
				.isEqualTo(this.newMasker.mask(PiiField.IP, sent[0]));
			assertThat(row.get("masked_device_id")).as("device_id of %s", row.get("user_id"))
				.isEqualTo(this.newMasker.mask(PiiField.DEVICE_ID, sent[1]));
			assertThat(row.get("masked_ip_network")).as("ip network of %s", row.get("user_id"))
				.isEqualTo(this.newMasker.mask(PiiField.IP_NETWORK, sent[0]));
		}
	}

	private long primaryTokenRows() {
		return this.jdbc.sql("SELECT masked_ip FROM user_logins")
			.query(String.class)
			.list()
			.stream()
			.filter(this.newMasker::madeByPrimaryKey)
			.count();
	}

	private Map<String, Object> row(String userId) {
		return this.jdbc.sql("SELECT * FROM user_logins WHERE user_id = ?").param(userId).query().singleRow();
	}

	private long id(String userId) {
		return (Long) row(userId).get("id");
	}

}
