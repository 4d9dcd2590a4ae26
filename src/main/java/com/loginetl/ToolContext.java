package com.loginetl;

import java.util.List;
import java.util.Map;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * The small Spring context a command of the jar ({@code remask}, {@code dlq}, {@code check}) runs in: the
 * service's configuration, only the beans the command names, no web server, no shutdown hook.
 */
public final class ToolContext {

	private ToolContext() {
	}

	/**
	 * Short spellings the tools accept for the service's settings: {@code --kms-key-uri=URI} is
	 * {@code --logins.masking.kms-key-uri=URI}, and so on.
	 */
	private static final Map<String, String> ALIASES = Map.of("--kms-key-uri=", "--logins.masking.kms-key-uri=",
			"--kms-endpoint=", "--logins.masking.kms-endpoint=", "--kms-timeout=", "--logins.masking.kms-timeout=");

	/** {@code args} with the short spellings of settings ({@code --kms-key-uri=...}) written out in full. */
	public static List<String> expandAliases(List<String> args) {
		return args.stream().map((arg) -> ALIASES.entrySet()
			.stream()
			.filter((alias) -> arg.startsWith(alias.getKey()))
			.findFirst()
			.map((alias) -> alias.getValue() + arg.substring(alias.getKey().length()))
			.orElse(arg)).toList();
	}

	public static ConfigurableApplicationContext start(Class<?> configuration, ConfigurableEnvironment environment,
			List<String> args) {
		return start(configuration, environment, args, false);
	}

	/**
	 * As {@link #start}, with every bean made only when first asked for: a bean that cannot be made
	 * fails what asks for it, not the context ({@code check}, which reports every check).
	 */
	public static ConfigurableApplicationContext startLazily(Class<?> configuration, ConfigurableEnvironment environment,
			List<String> args) {
		return start(configuration, environment, args, true);
	}

	private static ConfigurableApplicationContext start(Class<?> configuration, ConfigurableEnvironment environment,
			List<String> args, boolean lazy) {
		SpringApplication application = new SpringApplication(configuration);
		application.setLazyInitialization(lazy);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setBannerMode(Banner.Mode.OFF);
		application.setLogStartupInfo(false);
		application.setRegisterShutdownHook(false);
		application.setEnvironment(environment);
		// The console is for the tool's progress; warnings and errors still show.
		application.setDefaultProperties(Map.of("logging.level.root", "WARN"));
		return application.run(expandAliases(args).toArray(String[]::new));
	}

}
