package com.loginetl;

import com.loginetl.dlq.DeadLetterTool;
import com.loginetl.ops.ExitOnTerminate;
import com.loginetl.recover.KeyTool;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The service, or with {@code keygen}, {@code unmask} or {@code remask} as first argument, the key
 * holder's tools, and with {@code dlq}, the dead-letter tools, which run without starting the
 * service (no web server or listener; only remask connects to the database, only dlq to SQS).
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
		ExitOnTerminate.install(SpringApplication.run(LoginEtlApplication.class, args));
	}

}
