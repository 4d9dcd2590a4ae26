package com.loginetl.ops;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/** Tracing is off unless an OTLP endpoint is set, and an explicit setting wins. */
class TracingSwitchTest {

	@Test
	void withoutAnEndpointTracingIsOff() {
		MockEnvironment environment = new MockEnvironment();
		new TracingSwitch().postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty(TracingSwitch.ENABLED)).isEqualTo("false");
	}

	@Test
	void anEndpointLeavesTracingToSpringBoot() {
		MockEnvironment environment = new MockEnvironment().withProperty(TracingSwitch.ENDPOINT, "http://collector:4318/v1/traces");
		new TracingSwitch().postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty(TracingSwitch.ENABLED)).isNull();
	}

	@Test
	void anExplicitSettingWins() {
		MockEnvironment environment = new MockEnvironment().withProperty(TracingSwitch.ENABLED, "true");
		new TracingSwitch().postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty(TracingSwitch.ENABLED)).isEqualTo("true");
	}

}
