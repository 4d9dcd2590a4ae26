package com.loginetl.startup;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.loginetl.ToolContext;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.support.SpringFactoriesLoader;

/**
 * {@code check}: every start-up check of the service, from its jar, without starting it (no
 * migration, no polling, no port): the settings, the keyset and its KMS key, the database logins
 * of both roles over TLS as configured, the ingest role's grants once the table exists, and both
 * queues. One line a check, {@code ok} or {@code FAIL} with the report start-up would give
 * (Spring Boot's failure analyzers, the service's among them); exit status 0 when all pass.
 */
public final class CheckCommand {

	static final String USAGE = """
			usage: java -jar login-etl.jar check [--name=value ...]
			Runs every start-up check of the service without starting it: settings, masking keyset (and its
			KMS key), database logins of both roles (TLS, privileges; the ingest role's grants once
			user_logins exists), the source and dead-letter queues. Nothing is migrated, polled or opened.
			One line a check: ok, FAIL with what is wrong and what to do, or skip when there is nothing to
			check yet. Exit status 0 when every check passed, 1 otherwise.
			The settings are the service's: environment variables, --spring.datasource.url=... arguments,
			application.yaml (docs/check.md).""";

	private static final String INDENT = "     ";

	private CheckCommand() {
	}

	public static boolean handles(String[] args) {
		return args.length > 0 && args[0].equals("check");
	}

	/** @return the process exit code: 0 when every check passed, 1 otherwise, 2 for usage */
	public static int run(String[] args, PrintStream out, PrintStream err) {
		return run(args, out, err, new StandardEnvironment());
	}

	static int run(String[] args, PrintStream out, PrintStream err, ConfigurableEnvironment environment) {
		List<String> rest = Arrays.asList(args).subList(1, args.length);
		if (rest.contains("--help") || rest.contains("-h")) {
			out.println(USAGE);
			return 0;
		}
		if (!rest.stream().allMatch((arg) -> arg.startsWith("--") && arg.contains("="))) {
			err.println(USAGE);
			return 2;
		}
		ConfigurableApplicationContext context;
		try {
			context = ToolContext.startLazily(CheckedBeans.class, environment, rest);
		}
		catch (RuntimeException ex) {
			// Not a check's bean but the context itself: a setting even a context of settings cannot be made of.
			print(out, StartupChecks.Outcome.failed("settings", ex), analyze(ex, null, environment), new ArrayList<>());
			return 1;
		}
		try {
			List<StartupChecks.Outcome> outcomes = StartupChecks.all(context.getBeanFactory()).runAll();
			List<FailureAnalyzer> analyzers = analyzers(context.getBeanFactory(), context.getEnvironment());
			List<String> reported = new ArrayList<>();
			boolean passed = true;
			for (StartupChecks.Outcome outcome : outcomes) {
				FailureAnalysis analysis = (outcome.failure() != null) ? analyze(outcome.failure(), analyzers) : null;
				print(out, outcome, analysis, reported);
				passed &= outcome.passed() || outcome.skipped();
			}
			out.flush();
			return passed ? 0 : 1;
		}
		finally {
			CheckedBeans.closeInBackground(context);
		}
	}

	private static void print(PrintStream out, StartupChecks.Outcome outcome, FailureAnalysis analysis,
			List<String> reported) {
		if (outcome.passed()) {
			out.println("ok   " + outcome.found());
			return;
		}
		if (outcome.skipped()) {
			out.println("skip " + outcome.found());
			return;
		}
		String description = (analysis != null) ? analysis.getDescription()
				: DatabaseLoginCheck.firstLine(String.valueOf(outcome.failure().getMessage())) + " ("
						+ outcome.failure().getClass().getSimpleName() + ")";
		// A bean two checks need (the SQS client without a region) fails both the same way: say it once.
		int same = reported.indexOf(description);
		if (same >= 0) {
			out.println("FAIL " + outcome.name() + ": for the same reason as above");
			return;
		}
		reported.add(description);
		out.println("FAIL " + outcome.name() + ": " + indent(description));
		if (analysis != null && analysis.getAction() != null) {
			out.println(INDENT + "Action: " + indent(analysis.getAction()));
		}
	}

	private static String indent(String text) {
		return text.strip().replace("\n", "\n" + INDENT);
	}

	private static FailureAnalysis analyze(Throwable failure, BeanFactory beans, Environment environment) {
		return analyze(failure, analyzers(beans, environment));
	}

	private static FailureAnalysis analyze(Throwable failure, List<FailureAnalyzer> analyzers) {
		for (FailureAnalyzer analyzer : analyzers) {
			try {
				FailureAnalysis analysis = analyzer.analyze(failure);
				if (analysis != null) {
					return analysis;
				}
			}
			catch (RuntimeException ex) {
				// An analyzer that cannot make sense of this failure leaves it to the next one.
			}
		}
		return null;
	}

	/** The failure analyzers start-up uses, loaded as Spring Boot loads them. */
	private static List<FailureAnalyzer> analyzers(BeanFactory beans, Environment environment) {
		SpringFactoriesLoader.ArgumentResolver arguments = SpringFactoriesLoader.ArgumentResolver
			.of(Environment.class, environment);
		if (beans != null) {
			arguments = arguments.and(BeanFactory.class, beans);
		}
		return SpringFactoriesLoader.forDefaultResourceLocation(CheckCommand.class.getClassLoader())
			.load(FailureAnalyzer.class, arguments, SpringFactoriesLoader.FailureHandler.handleMessage((message, ex) -> {
			}));
	}

}
