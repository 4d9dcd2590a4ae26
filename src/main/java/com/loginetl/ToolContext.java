package com.loginetl;

import java.util.List;
import java.util.Map;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * The small Spring context a command of the jar ({@code remask}, {@code dlq}) runs in: the
 * service's configuration, only the beans the command names, no web server, no shutdown hook.
 */
public final class ToolContext {

	private ToolContext() {
	}

	public static ConfigurableApplicationContext start(Class<?> configuration, ConfigurableEnvironment environment,
			List<String> args) {
		SpringApplication application = new SpringApplication(configuration);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setBannerMode(Banner.Mode.OFF);
		application.setLogStartupInfo(false);
		application.setRegisterShutdownHook(false);
		application.setEnvironment(environment);
		// The console is for the tool's progress; warnings and errors still show.
		application.setDefaultProperties(Map.of("logging.level.root", "WARN"));
		return application.run(args.toArray(String[]::new));
	}

}
