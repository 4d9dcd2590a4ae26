package com.loginetl.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

/**
 * The whole service on a random port, wired to a real SQS (embedded ElasticMQ) with its own pair
 * of queues and to a real PostgreSQL with its own database. Test classes with the same configuration
 * share one context, and so its queues and database: {@link LeavesNothingBehind} makes each test
 * leave them as it found them.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(ServicesForTests.class)
@ExtendWith(LeavesNothingBehind.class)
public @interface LoginEtlIntegrationTest {

}
