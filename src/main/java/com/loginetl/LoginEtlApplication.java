package com.loginetl;

import com.loginetl.dlq.DeadLetterTool;
import com.loginetl.ops.ExitOnTerminate;
import com.loginetl.recover.KeyTool;
import com.loginetl.startup.CheckBeforeStart;
import com.loginetl.startup.CheckCommand;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The service, or with {@code keygen}, {@code unmask} or {@code remask} as first argument, the key
 * holder's tools, with {@code dlq}, the dead-letter tools, and with {@code check}, the start-up
 * checks, which run without starting the service (no web server, listener or migration; only
 * remask and check connect to the database, only dlq and check to SQS).
 */
@SpringBootApplication
public class LoginEtlApplication {

	public static void main(String[] args) {
		if (KeyTool.handles(args)) {
			System.exit(KeyTool.run(args, System.in, System.out, System.err));
		}
		if (DeadLetterTool.handles(args)) {
			System.exit(DeadLetterTool.run(args, System.out, System.err));
		}
		if (CheckCommand.handles(args)) {
			System.exit(CheckCommand.run(args, System.out, System.err));
		}
		ExitOnTerminate exit = ExitOnTerminate.install();
		SpringApplication application = new SpringApplication(LoginEtlApplication.class);
		application.addListeners(new CheckBeforeStart(LoginEtlApplication.class));
		exit.started(application.run(args));
	}

}
