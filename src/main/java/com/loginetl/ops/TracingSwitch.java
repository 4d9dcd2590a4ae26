package com.loginetl.ops;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Tracing is on only where traces can go: without an OTLP endpoint
 * ({@code management.opentelemetry.tracing.export.otlp.endpoint}) it is switched off
 * ({@code management.tracing.export.enabled=false}), so no tracer, no span and no exporter exists
 * and a batch costs what it cost before tracing. The switch is a default: an explicit
 * {@code management.tracing.export.enabled} wins.
 */
public class TracingSwitch implements EnvironmentPostProcessor {

	public static final String ENDPOINT = "management.opentelemetry.tracing.export.otlp.endpoint";

	public static final String ENABLED = "management.tracing.export.enabled";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!StringUtils.hasText(environment.getProperty(ENDPOINT))) {
			environment.getPropertySources()
				.addLast(new MapPropertySource("loginsTracingOff", Map.of(ENABLED, "false")));
		}
	}

}
