package com.loginetl.startup;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import javax.sql.DataSource;

import com.loginetl.ingest.IngestProperties;
import com.loginetl.ingest.QueueUrls;
import com.loginetl.masking.KeysetCheck;
import com.loginetl.masking.MaskingProperties;
import com.loginetl.storage.DatabaseTls;
import com.loginetl.storage.SchemaOwner;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.support.DefaultLifecycleProcessor;
import org.springframework.core.SpringProperties;

/**
 * The start-up checks, each in one place: every {@code logins.*} setting binds and is valid, the
 * keyset opens (through its KMS key), the database takes the service's logins (over TLS as
 * configured), the schema owner may migrate, and both queues exist. Each check takes the beans it
 * needs from a bean factory when it runs, so a bean that cannot be made (a value that does not
 * bind, no AWS region) fails that check with the report Spring Boot's failure analyzers give it.
 * <p>
 * They run before the service's context is created ({@link CheckBeforeStart}), from the
 * {@code check} command ({@link CheckCommand}), which also checks the ingest role's grants when the
 * table exists, and, for a context started some other way, while it is created
 * ({@link StartupConfiguration}). Whether the ingest role may write rows can only be known once the
 * table exists, after the migration ({@link IngestGrantsCheck}).
 * <p>
 * A context that is refreshed only to be closed again ({@code -Dspring.context.exit=onRefresh}, as
 * in the class-data-sharing training run of the Dockerfile) never processes a message and has
 * nothing to reach, so it skips the checks.
 */
final class StartupChecks {

	private static final String SETTINGS_PREFIX = "logins";

	private final List<Check> checks;

	private final KeysetCheck keyset;

	private StartupChecks(List<Check> checks, KeysetCheck keyset) {
		this.checks = checks;
		this.keyset = keyset;
	}

	/** What start-up checks before the service's context is created: everything but the ingest grants. */
	static StartupChecks beforeStart(ListableBeanFactory beans) {
		KeysetCheck keyset = new KeysetCheck(() -> beans.getBean(MaskingProperties.class));
		List<Check> checks = new ArrayList<>();
		checks.add(settings(beans));
		checks.add(new Check("masking keyset", keyset::check));
		checks.addAll(database(beans, false));
		checks.addAll(queues(beans));
		return new StartupChecks(checks, keyset);
	}

	/** What the {@code check} command checks: start-up's checks and the ingest role's grants. */
	static StartupChecks all(ListableBeanFactory beans) {
		KeysetCheck keyset = new KeysetCheck(() -> beans.getBean(MaskingProperties.class));
		List<Check> checks = new ArrayList<>();
		checks.add(settings(beans));
		checks.add(new Check("masking keyset", keyset::check));
		checks.addAll(database(beans, true));
		checks.addAll(queues(beans));
		return new StartupChecks(checks, keyset);
	}

	/** In a context being created: the keyset is its own bean's check there (the masker's). */
	static StartupChecks inContext(ListableBeanFactory beans) {
		List<Check> checks = new ArrayList<>();
		checks.add(settings(beans));
		checks.addAll(database(beans, false));
		checks.addAll(queues(beans));
		return new StartupChecks(checks, null);
	}

	/** Runs the checks in order; the first that fails throws its report. */
	void runUntilFirstFailure() {
		for (Check check : this.checks) {
			check.run().get();
		}
	}

	/** Runs every check, whatever the others found. */
	List<Outcome> runAll() {
		List<Outcome> outcomes = new ArrayList<>();
		for (Check check : this.checks) {
			try {
				outcomes.add(Outcome.passed(check.name(), check.run().get()));
			}
			catch (Skipped ex) {
				outcomes.add(Outcome.skipped(check.name(), ex.getMessage()));
			}
			catch (RuntimeException ex) {
				outcomes.add(Outcome.failed(check.name(), ex));
			}
		}
		return outcomes;
	}

	/** The keyset check, which keeps what it opened, so the service opens the keyset (and calls KMS) once. */
	KeysetCheck keyset() {
		return this.keyset;
	}

	static boolean exitsOnRefresh() {
		return DefaultLifecycleProcessor.ON_REFRESH_VALUE
			.equalsIgnoreCase(SpringProperties.getProperty(DefaultLifecycleProcessor.EXIT_PROPERTY_NAME));
	}

	private static Check settings(ListableBeanFactory beans) {
		return new Check("settings", () -> "settings: every logins.* value is valid (" + bindEverySetting(beans)
				+ " groups of settings)");
	}

	private static List<Check> database(ListableBeanFactory beans, boolean withIngestGrants) {
		Supplier<DatabaseLoginCheck> database = () -> new DatabaseLoginCheck(beans.getBean(DataSource.class),
				beans.getBean(DatabaseTls.class), beans.getBean(SchemaOwner.class));
		List<Check> checks = new ArrayList<>();
		checks.add(new Check("database login", () -> database.get().login()));
		checks.add(new Check("schema owner", () -> database.get().owner()));
		if (withIngestGrants) {
			checks.add(new Check("ingest role's grants", () -> database.get().ingestGrants()));
		}
		return checks;
	}

	private static List<Check> queues(ListableBeanFactory beans) {
		Supplier<QueueCheck> queues = () -> new QueueCheck(beans.getBean(SqsAsyncClient.class),
				beans.getBean(QueueUrls.class), beans.getBean(IngestProperties.class));
		return List.of(new Check("source queue", () -> queues.get().sourceQueue()),
				new Check("dead-letter queue", () -> queues.get().deadLetterQueue()));
	}

	// Each @ConfigurationProperties record binds and validates when its bean is created; some are
	// needed only by beans that come after the migration, so they are created here first.
	private static int bindEverySetting(ListableBeanFactory beans) {
		int bound = 0;
		for (String name : beans.getBeanNamesForAnnotation(ConfigurationProperties.class)) {
			ConfigurationProperties settings = beans.findAnnotationOnBean(name, ConfigurationProperties.class);
			// prefix and value are aliases: the annotation found carries the same text in both
			String prefix = (settings != null) ? settings.prefix() : "";
			if (prefix.equals(SETTINGS_PREFIX) || prefix.startsWith(SETTINGS_PREFIX + ".")) {
				beans.getBean(name);
				bound++;
			}
		}
		return bound;
	}

	/**
	 * One check: its name, and the check itself, which returns what it found (a line for the
	 * {@code check} command) or throws the report of what is wrong.
	 */
	record Check(String name, Supplier<String> run) {
	}

	/**
	 * What one check found.
	 *
	 * @param name the check's name
	 * @param found what it found, when it passed or was skipped
	 * @param failure the report's exception, when it failed
	 */
	record Outcome(String name, String found, RuntimeException failure, boolean skipped) {

		static Outcome passed(String name, String found) {
			return new Outcome(name, found, null, false);
		}

		static Outcome skipped(String name, String why) {
			return new Outcome(name, why, null, true);
		}

		static Outcome failed(String name, RuntimeException failure) {
			return new Outcome(name, null, failure, false);
		}

		boolean passed() {
			return this.failure == null && !this.skipped;
		}

	}

	/** A check that has nothing to check yet, such as grants on a table the first start creates. */
	static final class Skipped extends RuntimeException {

		Skipped(String why) {
			super(why, null, false, false);
		}

	}

}
