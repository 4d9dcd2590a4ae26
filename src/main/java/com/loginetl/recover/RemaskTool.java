package com.loginetl.recover;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import com.loginetl.ToolContext;
import com.loginetl.masking.MaskingKeyException;
import com.loginetl.masking.MaskingMode;
import com.loginetl.masking.MaskingProperties;
import com.loginetl.masking.PiiMasker;
import com.loginetl.storage.DatabaseTlsConfiguration;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@code remask}: rewrites stored tokens of old keys into tokens of the keyset's primary key, so
 * that one value has one token again after a rotation.
 * <p>
 * It runs a small Spring context of its own with only the datasource auto-configuration: the
 * database and the keyset are configured exactly as for the service (environment variables,
 * {@code --spring.datasource.url=...} arguments, application.yaml, config trees), while no web
 * server, SQS client, listener or Flyway migration starts.
 */
final class RemaskTool {

	static final String USAGE = """
			usage: java -jar login-etl.jar remask [--batch-size=N] [--after-id=ID] [--kms-key-uri=URI] [--spring.datasource.url=URL ...]
			Rewrites the tokens in user_logins made by old keys of the keyset into tokens of its primary key.
			The database and keyset settings are the service's (SPRING_DATASOURCE_*, LOGINS_MASKING_KEYSET*,
			LOGINS_MASKING_KMS_KEY_URI for a keyset encrypted under AWS KMS).
			  --batch-size=N  rows per read and update (default 500)
			  --after-id=ID   start after this id (a previous run's last id) instead of at the beginning""";

	private static final int DEFAULT_BATCH_SIZE = 500;

	private static final int MAX_BATCH_SIZE = 10_000;

	private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(1);

	private RemaskTool() {
	}

	static int run(List<String> args, PrintStream out, PrintStream err, ConfigurableEnvironment environment) {
		int batchSize = DEFAULT_BATCH_SIZE;
		long afterId = 0;
		List<String> springArgs = new ArrayList<>();
		try {
			for (String arg : args) {
				if (arg.startsWith("--batch-size=")) {
					batchSize = Integer.parseInt(arg.substring("--batch-size=".length()));
				}
				else if (arg.startsWith("--after-id=")) {
					afterId = Long.parseLong(arg.substring("--after-id=".length()));
				}
				else if (arg.startsWith("--") && arg.contains("=")) {
					springArgs.add(arg);
				}
				else {
					err.println(USAGE);
					return 2;
				}
			}
		}
		catch (NumberFormatException ex) {
			err.println("remask: not a number: " + ex.getMessage());
			return 2;
		}
		if (batchSize < 1 || batchSize > MAX_BATCH_SIZE || afterId < 0) {
			err.println("remask: --batch-size must be 1 to " + MAX_BATCH_SIZE + " and --after-id not negative");
			return 2;
		}
		ConfigurableApplicationContext context;
		try {
			context = context(environment, springArgs);
		}
		catch (RuntimeException ex) {
			err.println("remask: cannot set up the database connection: " + rootMessage(ex) + ". Set "
					+ "SPRING_DATASOURCE_URL, SPRING_DATASOURCE_USERNAME and SPRING_DATASOURCE_PASSWORD as for the "
					+ "service.");
			return 1;
		}
		try (context) {
			PiiMasker masker;
			try {
				masker = PiiMasker.from(context.getBean(MaskingProperties.class));
			}
			catch (MaskingKeyException ex) {
				err.println("remask: " + ex.getMessage() + ((ex.action() != null) ? " " + ex.action() : ""));
				return 1;
			}
			if (masker.mode() == MaskingMode.IRREVERSIBLE) {
				err.println("remask: " + PiiMasker.irreversibleExplanation("rewritten under another key")
						+ " Matching old and new tokens across this rotation would need the raw values, which were "
						+ "never stored. Rows keep the tokens of the key that made them; analyses that match values "
						+ "across the rotation date need both tokens or must start after it.");
				return 1;
			}
			Remasker remasker = new Remasker(JdbcClient.create(context.getBean(DataSource.class)), masker, batchSize);
			try {
				return remask(remasker, masker, afterId, out);
			}
			catch (DataAccessException ex) {
				err.println("remask: the database failed (" + rootMessage(ex) + "). Every batch reported done is "
						+ "committed; run remask again (with --after-id= the last id reported) to go on.");
				return 1;
			}
		}
	}

	private static int remask(Remasker remasker, PiiMasker masker, long afterId, PrintStream out) {
		String primary = Integer.toUnsignedString(masker.primaryKeyId());
		long maxId = remasker.maxId();
		out.printf("remask: rewriting tokens of old keys into tokens of primary key %s, ids %d to %d%n", primary,
				afterId + 1, maxId);
		long started = System.nanoTime();
		long[] lastPrint = { 0 };
		Remasker.Summary summary = remasker.run(afterId, (soFar) -> {
			long now = System.nanoTime();
			if (now - lastPrint[0] >= PROGRESS_INTERVAL.toNanos()) {
				lastPrint[0] = now;
				out.printf("remask: done up to id %d of %d (%d%%): %d rows read, %d tokens rewritten%n",
						soFar.lastId(), maxId, percent(soFar.lastId() - afterId, maxId - afterId), soFar.rowsRead(),
						soFar.tokensRewritten());
				out.flush();
			}
		});
		double seconds = (System.nanoTime() - started) / 1e9;
		out.printf("""
				remask: finished in %.1f s: %d rows read (ids %d to %d)
				  tokens rewritten into primary key %s tokens:         %d (in %d rows)
				  tokens the primary key had made already:               %d
				  tokens no key of this keyset made (left unchanged):    %d
				  rows changed by someone else meanwhile (left unchanged): %d
				""", seconds, summary.rowsRead(), afterId + 1, summary.lastId(), primary, summary.tokensRewritten(),
				summary.rowsRewritten(), summary.tokensAlreadyPrimary(), summary.tokensUnreadable(),
				summary.rowsChangedMeanwhile());
		if (summary.complete()) {
			out.println("remask: every token read is now a primary-key token. Once every instance of the service runs "
					+ "with this keyset, the old keys can be retired: keygen --retire FILE.");
			return 0;
		}
		out.println("remask: some tokens are not primary-key tokens. Do not retire old keys yet: "
				+ (summary.rowsChangedMeanwhile() > 0 ? "run remask again for the rows that changed meanwhile. " : "")
				+ (summary.tokensUnreadable() > 0 ? "tokens no key of this keyset made were made by a key already "
						+ "removed from it, or are not tokens; only that key can read them. " : ""));
		return 1;
	}

	private static ConfigurableApplicationContext context(ConfigurableEnvironment environment, List<String> args) {
		return ToolContext.start(RemaskContext.class, environment, args);
	}

	private static long percent(long done, long total) {
		return (total <= 0) ? 100 : Math.min(100, done * 100 / total);
	}

	private static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root.getClass().getSimpleName() + ": " + root.getMessage();
	}

	/**
	 * The datasource as the service configures it, and the masking settings; nothing else. Not a
	 * {@code @Configuration}, so that the service's component scan never picks it up.
	 */
	@ImportAutoConfiguration(DataSourceAutoConfiguration.class)
	@Import(DatabaseTlsConfiguration.class)
	@EnableConfigurationProperties(MaskingProperties.class)
	static class RemaskContext {

	}

}
