package com.loginetl.dlq;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import com.loginetl.ToolContext;
import com.loginetl.ingest.IngestProperties;
import com.loginetl.ingest.QueueUrls;
import com.loginetl.masking.DeadLetterSeal;
import com.loginetl.masking.MaskingKeyException;
import com.loginetl.masking.MaskingProperties;
import com.loginetl.masking.PiiMasker;
import io.awspring.cloud.autoconfigure.core.AwsAutoConfiguration;
import io.awspring.cloud.autoconfigure.core.CredentialsProviderAutoConfiguration;
import io.awspring.cloud.autoconfigure.core.RegionProviderAutoConfiguration;
import io.awspring.cloud.autoconfigure.sqs.SqsAutoConfiguration;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.StandardEnvironment;

/**
 * The operator's dead-letter tools, run from the service's jar without starting the service.
 * <ul>
 * <li>{@code dlq stats} prints the dead letters' count by reason, the age of the oldest and how
 * many are copies of one source message ({@link DeadLetterStats}).</li>
 * <li>{@code dlq show} prints dead letters with their bodies opened, for key holders
 * ({@link DeadLetterShow}).</li>
 * <li>{@code dlq redrive} moves dead letters back to the source queue ({@link Redrive}).</li>
 * </ul>
 * {@code show} and {@code redrive} need the masking keyset (the service's settings), from which the
 * dead-letter seal is derived; {@code stats} works without it.
 * SQS and the two queues are configured exactly as for the service (environment variables,
 * {@code --logins.queue=...} arguments, application.yaml); a small Spring context of their own
 * starts only the SQS client: no web server, listener, database or migration.
 */
public final class DeadLetterTool {

	static final String USAGE = """
			usage: java -jar login-etl.jar dlq stats [--visibility-timeout=30s]
			       java -jar login-etl.jar dlq show [--reason R]... [--limit N] [--visibility-timeout=30s]
			       java -jar login-etl.jar dlq redrive [--reason R]... [--limit N] [--dry-run] [--visibility-timeout=30s]
			stats counts the dead letters by reason and by sealing key without consuming them; no body is
			printed and no keyset is needed.
			show prints the dead letters, each as one JSON line with its original body opened, without
			consuming them; it needs the masking keyset.
			redrive moves dead letters back to the source queue with their original body, attribute
			redriven_from naming the original message and a redrive_seal that vouches for it, and deletes
			each after SQS took its send; it needs the masking keyset. Copies of one source message are
			sent once. Safe to interrupt and run again.
			  --reason R      only dead letters with this reason (repeatable; R ending in * is a prefix:
			                  database_rejected:*); default every reason
			  --limit N       move (show) at most N
			  --dry-run       count what would be moved, move nothing
			  --visibility-timeout=D  how long a dead letter stays hidden from other readers if this run dies
			                  (default 30s); a rerun waits that long for an interrupted run's dead letters
			SQS, the queues and the keyset are the service's settings: SPRING_CLOUD_AWS_*, LOGINS_QUEUE,
			LOGINS_DEAD_LETTER_QUEUE, LOGINS_SQS_TIMEOUT, LOGINS_MASKING_KEYSET_FILE (or --logins.queue=...
			and so on).""";

	private static final Duration DEFAULT_VISIBILITY = Duration.ofSeconds(30);

	private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(1);

	private DeadLetterTool() {
	}

	public static boolean handles(String[] args) {
		return args.length > 0 && args[0].equals("dlq");
	}

	/** @return the process exit code: 0 when it did all it was asked, 1 otherwise, 2 for usage */
	public static int run(String[] args, PrintStream out, PrintStream err) {
		return run(args, out, err, new StandardEnvironment());
	}

	static int run(String[] args, PrintStream out, PrintStream err, ConfigurableEnvironment environment) {
		Options options;
		try {
			options = Options.parse(List.of(args).subList(1, args.length));
		}
		catch (IllegalArgumentException ex) {
			err.println("dlq: " + ex.getMessage());
			err.println(USAGE);
			return 2;
		}
		if (options.help()) {
			out.println(USAGE);
			return 0;
		}
		ConfigurableApplicationContext context;
		try {
			context = context(environment, options.springArgs());
		}
		catch (RuntimeException ex) {
			err.println("dlq: cannot set up the SQS client: " + rootMessage(ex) + ". Set SPRING_CLOUD_AWS_REGION_STATIC "
					+ "(and SPRING_CLOUD_AWS_SQS_ENDPOINT for an SQS-compatible server) as for the service.");
			return 1;
		}
		try (context) {
			DeadLetterSeal seal = null;
			String noSeal = null;
			try {
				seal = PiiMasker.forKeyHolder(context.getBean(MaskingProperties.class)).deadLetterSeal();
			}
			catch (MaskingKeyException ex) {
				noSeal = ex.getMessage();
			}
			if (seal == null && !options.command().equals("stats")) {
				err.println("dlq " + options.command() + ": needs the masking keyset, from which the dead-letter seal is "
						+ "derived: " + noSeal);
				return 1;
			}
			IngestProperties properties = context.getBean(IngestProperties.class);
			SqsAsyncClient sqs = context.getBean(SqsAsyncClient.class);
			QueueUrls urls = new QueueUrls(sqs, properties);
			DeadLetterQueues queues;
			try {
				queues = new DeadLetterQueues(sqs, urls.resolve(properties.deadLetterQueue()),
						urls.resolve(properties.queue()), properties.sqsTimeout());
			}
			catch (RuntimeException ex) {
				err.println("dlq: cannot find the queues " + properties.deadLetterQueue() + " and " + properties.queue()
						+ " (" + rootMessage(ex) + "). Check LOGINS_QUEUE, LOGINS_DEAD_LETTER_QUEUE and the SQS "
						+ "settings.");
				return 1;
			}
			try {
				if (seal == null) {
					// Not an error for stats, which reads no body; the reason says what a keyset would add.
					err.println("dlq stats: no keyset loaded, so key ids are not checked against it (" + noSeal + ")");
				}
				return switch (options.command()) {
					case "stats" -> stats(queues, seal, options, out, err);
					case "show" -> show(queues, seal, options, out, err);
					default -> redrive(queues, seal, options, out, err);
				};
			}
			catch (RuntimeException ex) {
				err.println("dlq " + options.command() + ": SQS failed (" + rootMessage(ex) + "). Nothing was deleted "
						+ "that had not been sent; run it again.");
				return 1;
			}
		}
	}

	private static int stats(DeadLetterQueues queues, DeadLetterSeal seal, Options options, PrintStream out,
			PrintStream err) {
		Progress progress = new Progress(err);
		DeadLetterStats.Report report = DeadLetterStats.count(queues, options.visibility(),
				(read) -> progress.maybe(() -> "dlq stats: " + read + " dead letters read"));
		out.println("dead-letter queue " + queues.deadLetterQueueUrl());
		int width = Math.max(6, report.byReason().keySet().stream().mapToInt(String::length).max().orElse(0));
		out.printf("  %-" + width + "s  %9s%n", "reason", "count");
		report.byReason().forEach((reason, count) -> out.printf("  %-" + width + "s  %9d%n", reason, count));
		out.printf("  %-" + width + "s  %9d%n", "total", report.total());
		if (report.oldest() != null) {
			Duration age = Duration.between(report.oldest(), Instant.now());
			out.println("oldest: " + report.oldest() + " (" + describe(age) + " ago)");
		}
		out.println("copies: " + report.doubled() + " dead letters share their source_message_id with another ("
				+ report.doubledOriginals() + " source messages); redrive sends each source message once");
		if (report.inFlightElsewhere() > 0) {
			out.println("not counted: " + report.inFlightElsewhere() + " dead letters held by another reader (a redrive "
					+ "or stats running now, or one interrupted less than its visibility timeout ago)");
		}
		printBodies(report, seal, out);
		out.flush();
		return 0;
	}

	/** How the bodies are kept: sealed by which key (read from the prefix), plain, or left out. */
	private static void printBodies(DeadLetterStats.Report report, DeadLetterSeal seal, PrintStream out) {
		out.println("bodies:");
		long notInKeyset = 0;
		for (var byKey : report.sealedByKey().entrySet()) {
			boolean held = seal == null || seal.holdsKey(byKey.getKey());
			notInKeyset += held ? 0 : byKey.getValue();
			out.printf("  %-38s %9d%s%n", "sealed under key " + Integer.toUnsignedString(byKey.getKey()),
					byKey.getValue(), held ? "" : "  NOT IN THE KEYSET");
		}
		out.printf("  %-38s %9d%n", "plain (written before sealing)", report.plain());
		out.printf("  %-38s %9d%n", "omitted (too large to seal)", report.omitted());
		if (seal == null) {
			out.println("keyset: not loaded, so whether those keys are still in it was not checked");
		}
		else if (notInKeyset > 0) {
			out.println("warning: " + notInKeyset + " dead letters are sealed under keys not in this keyset; only a "
					+ "keyset that still holds those keys can show or redrive them");
		}
	}

	private static int show(DeadLetterQueues queues, DeadLetterSeal seal, Options options, PrintStream out,
			PrintStream err) {
		Progress progress = new Progress(err);
		DeadLetterShow.Summary summary = DeadLetterShow.print(queues, seal, options.filter(), options.limit(),
				options.visibility(), out, (read) -> progress.maybe(() -> "dlq show: " + read + " dead letters read"));
		out.flush();
		err.println("dlq show: " + summary.shown() + " shown with their body, " + summary.unopened()
				+ " not opened by this keyset, " + summary.omitted() + " without a body (too large to seal), "
				+ summary.notMatching() + " not matching, " + summary.overLimit() + " over --limit");
		err.flush();
		return (summary.unopened() == 0) ? 0 : 1;
	}

	private static int redrive(DeadLetterQueues queues, DeadLetterSeal seal, Options options, PrintStream out,
			PrintStream err) {
		Progress progress = new Progress(err);
		String verb = options.dryRun() ? "would move" : "moved";
		err.println("dlq redrive: " + (options.dryRun() ? "dry run, " : "") + "dead letters with " + options.filter()
				+ " from " + queues.deadLetterQueueUrl() + " to " + queues.sourceQueueUrl()
				+ (options.limit() == Long.MAX_VALUE ? "" : ", at most " + options.limit()));
		Redrive.Summary summary = new Redrive(queues, seal, options.filter(), options.limit(), options.dryRun(),
				options.visibility())
			.run((soFar) -> progress.maybe(() -> "dlq redrive: " + verb + " " + soFar.moved() + ", copies "
					+ soFar.copies() + ", not matching " + soFar.notMatching() + ", failed " + soFar.failed()
					+ (soFar.stillInFlight() > 0 ? ", waiting for " + soFar.stillInFlight() + " in flight" : "")));
		out.printf("""
				dlq redrive%s: finished
				  %-38s %d
				  %-38s %d
				  %-38s %d
				  %-38s %d
				  %-38s %d
				  %-38s %d
				  %-38s %d
				  %-38s %d
				  %-38s %d
				""", options.dryRun() ? " (dry run, nothing changed)" : "", verb + " to the source queue:",
				summary.moved(), (options.dryRun() ? "would skip" : "skipped") + " as copies (deleted):",
				summary.copies(), "left, reason did not match:", summary.notMatching(), "left, over --limit:",
				summary.overLimit(), "left, failed (SQS refused):", summary.failed(),
				"left, held by another reader:", summary.stillInFlight(), "left, no key of the keyset opens it:",
				summary.unopened(), "left, no body (too large to seal):", summary.omitted(),
				"left, arrived after the run began:", summary.arrived());
		if (summary.complete()) {
			out.println("dlq redrive: every matching dead letter " + (options.dryRun() ? "would be" : "was")
					+ " moved" + (summary.overLimit() > 0 ? " up to the limit" : "") + ".");
			out.flush();
			return 0;
		}
		if (summary.unopened() > 0) {
			out.println("dlq redrive: " + summary.unopened() + " dead letters were sealed under keys not in this keyset "
					+ "(see dlq stats); run it again with a keyset that still holds them.");
		}
		out.println("dlq redrive: not everything matching was moved; run it again (nothing is sent twice: the service "
				+ "stores a redriven message once, by its redriven_from id).");
		out.flush();
		return 1;
	}

	private static String describe(Duration age) {
		if (age.toDays() > 0) {
			return age.toDays() + " d " + age.toHoursPart() + " h";
		}
		if (age.toHours() > 0) {
			return age.toHours() + " h " + age.toMinutesPart() + " min";
		}
		return Math.max(0, age.toMinutes()) + " min " + Math.max(0, age.toSecondsPart()) + " s";
	}

	private static ConfigurableApplicationContext context(ConfigurableEnvironment environment, List<String> args) {
		return ToolContext.start(DeadLetterContext.class, environment, args);
	}

	private static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root.getClass().getSimpleName() + ": " + root.getMessage();
	}

	/** A line on stderr at most once a second. */
	private static final class Progress {

		private final PrintStream err;

		private long last = System.nanoTime();

		Progress(PrintStream err) {
			this.err = err;
		}

		void maybe(java.util.function.Supplier<String> line) {
			long now = System.nanoTime();
			if (now - this.last >= PROGRESS_INTERVAL.toNanos()) {
				this.last = now;
				this.err.println(line.get());
				this.err.flush();
			}
		}

	}

	record Options(String command, boolean help, ReasonFilter filter, long limit, boolean dryRun, Duration visibility,
			List<String> springArgs) {

		static Options parse(List<String> args) {
			if (args.isEmpty() || !(args.get(0).equals("stats") || args.get(0).equals("redrive")
					|| args.get(0).equals("show") || args.get(0).equals("--help") || args.get(0).equals("-h"))) {
				throw new IllegalArgumentException("the first argument after dlq is stats, show or redrive");
			}
			String command = args.get(0);
			boolean help = command.startsWith("-");
			List<String> reasons = new ArrayList<>();
			long limit = Long.MAX_VALUE;
			boolean dryRun = false;
			Duration visibility = DEFAULT_VISIBILITY;
			List<String> springArgs = new ArrayList<>();
			boolean redrive = command.equals("redrive");
			boolean filtered = redrive || command.equals("show");
			for (int i = 1; i < args.size(); i++) {
				String arg = args.get(i);
				String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
				String inline = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : null;
				switch (name) {
					case "--help", "-h" -> help = true;
					case "--reason" -> {
						requireFilter(filtered, name);
						String reason = (inline != null) ? inline : next(args, ++i, name);
						if (reason.isBlank()) {
							throw new IllegalArgumentException("--reason needs a reason");
						}
						reasons.add(reason);
					}
					case "--limit" -> {
						requireFilter(filtered, name);
						String value = (inline != null) ? inline : next(args, ++i, name);
						try {
							limit = Long.parseLong(value);
						}
						catch (NumberFormatException ex) {
							throw new IllegalArgumentException("--limit needs a number, not " + value);
						}
						if (limit < 1) {
							throw new IllegalArgumentException("--limit must be 1 or more");
						}
					}
					case "--dry-run" -> {
						requireRedrive(redrive, name);
						dryRun = true;
					}
					case "--visibility-timeout" -> {
						String value = (inline != null) ? inline : next(args, ++i, name);
						try {
							visibility = DurationStyle.detectAndParse(value);
						}
						catch (IllegalArgumentException | DateTimeParseException ex) {
							throw new IllegalArgumentException("--visibility-timeout needs a duration such as 30s");
						}
						if (visibility.toSeconds() < 3 || visibility.toHours() >= 12) {
							throw new IllegalArgumentException("--visibility-timeout must be 3s to 12h");
						}
					}
					default -> {
						if (arg.startsWith("--") && inline != null) {
							springArgs.add(arg);
						}
						else {
							throw new IllegalArgumentException("unknown argument " + arg);
						}
					}
				}
			}
			return new Options(command, help, new ReasonFilter(List.copyOf(reasons)), limit, dryRun, visibility,
					springArgs);
		}

		private static void requireFilter(boolean filtered, String option) {
			if (!filtered) {
				throw new IllegalArgumentException(option + " is an option of show and redrive");
			}
		}

		private static void requireRedrive(boolean redrive, String option) {
			if (!redrive) {
				throw new IllegalArgumentException(option + " is an option of redrive");
			}
		}

		private static String next(List<String> args, int i, String option) {
			if (i >= args.size()) {
				throw new IllegalArgumentException(option + " needs a value");
			}
			return args.get(i);
		}

	}

	/**
	 * The SQS client as the service configures it, and the queue settings; nothing else. Not a
	 * {@code @Configuration}, so that the service's component scan never picks it up.
	 */
	@ImportAutoConfiguration({ AwsAutoConfiguration.class, CredentialsProviderAutoConfiguration.class,
			RegionProviderAutoConfiguration.class, SqsAutoConfiguration.class })
	@EnableConfigurationProperties({ IngestProperties.class, MaskingProperties.class })
	static class DeadLetterContext {

	}

}
