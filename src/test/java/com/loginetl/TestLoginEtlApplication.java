package com.loginetl;

import com.loginetl.support.LocalRunConfiguration;

import org.springframework.boot.SpringApplication;

/**
 * Runs the service against an in-process SQS, with the take-home's messages waiting, and a local
 * PostgreSQL: {@code mvn spring-boot:test-run}.
 */
public class TestLoginEtlApplication {

	public static void main(String[] args) {
		SpringApplication.from(LoginEtlApplication::main).with(LocalRunConfiguration.class).run(args);
	}

}
