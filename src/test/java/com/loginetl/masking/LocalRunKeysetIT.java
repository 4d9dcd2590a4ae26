package com.loginetl.masking;

import com.loginetl.support.LocalServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local run's settings ({@link LocalServices}, as {@code mvn spring-boot:test-run} uses them)
 * opt in to the development keyset, which the service refuses everywhere else.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LocalRunKeysetIT {

	private static final LocalServices services = LocalServices.start(0);

	@Autowired
	PiiMasker masker;

	@DynamicPropertySource
	static void localRun(DynamicPropertyRegistry registry) {
		services.registerProperties(registry);
	}

	@AfterAll
	static void stop() {
		services.close();
	}

	@Test
	void theLocalRunMasksWithTheDevelopmentKeyset() {
		PiiMasker development = PiiMasker.forKeyHolder(new MaskingProperties(LocalServices.devKeyset(), null));

		assertThat(this.masker.usesDevelopmentKey()).isTrue();
		assertThat(this.masker.mask(PiiField.IP, "10.0.0.1")).isEqualTo(development.mask(PiiField.IP, "10.0.0.1"));
	}

}
