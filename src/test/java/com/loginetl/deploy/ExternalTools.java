package com.loginetl.deploy;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;

/**
 * A check that runs a program the build cannot bring through Maven: Node.js with npm (the npm
 * linters), Python 3 (the compose relay script) or Debian's {@code prometheus} package
 * ({@code promtool} and the server). {@code mvn -B verify} leaves these out;
 * {@code mvn -B verify -Pexternal-tools} runs them with everything else, and {@code .ci/run} runs
 * that. The tag's name is the profile's.
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Tag(ExternalTools.TAG)
public @interface ExternalTools {

	String TAG = "external-tools";

}
