package com.loginetl;

import com.loginetl.ops.ExitOnTerminate;
import com.loginetl.recover.KeyTool;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The service, or with {@code keygen}, {@code unmask} or {@code remask} as first argument, the key
 * holder's tools, which run without starting the service (no web server or queue; only remask
 * connects to the database).
 */
@SpringBootApplication
public class LoginEtlApplication {

	public static void main(String[] args) {
		if (KeyTool.handles(args)) {
			System.exit(KeyTool.run(args, System.in, System.out, System.err));
		}
		ExitOnTerminate.install(SpringApplication.run(LoginEtlApplication.class, args));
	}

}
