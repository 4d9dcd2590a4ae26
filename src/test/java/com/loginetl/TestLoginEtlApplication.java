package com.loginetl;

import java.util.stream.Stream;

import com.loginetl.support.LocalRunConfiguration;

import org.springframework.boot.SpringApplication;

/**
 * Runs the service against an in-process SQS, with the take-home's messages waiting, and a local
 * PostgreSQL: {@code mvn spring-boot:test-run}.
 */
public class TestLoginEtlApplication {

	/**
	 * The local run masks with the public development keyset, so nothing beyond this machine may
	 * reach it. Arguments, because the web servers are made before any bean could add a property.
	 */
	private static final String[] LOOPBACK_ONLY = { "--server.address=127.0.0.1",
			"--management.server.address=127.0.0.1" };

	public static void main(String[] args) {
		String[] arguments = Stream.concat(Stream.of(LOOPBACK_ONLY), Stream.of(args)).toArray(String[]::new);
		SpringApplication.from(LoginEtlApplication::main).with(LocalRunConfiguration.class).run(arguments);
	}

}
