package com.loginetl.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import com.loginetl.support.SampleEvents;

/**
 * Message bodies shaped like the take-home's queue, in bulk: login events with the take-home's
 * field order and values, ips and device ids drawn from pools so that they repeat (as returning
 * users' do, and as a token cache would notice), and one message in a hundred invalid. The same
 * seed gives the same bodies, so drains (a) and (b) see the same load.
 *
 * @param bodies the message bodies, in sending order
 * @param invalid how many of them the service will reject
 */
record LoginLoad(List<String> bodies, int invalid) {

	/** Distinct ip addresses, and distinct device ids, among the events. */
	static final int POOL_SIZE = 10_000;

	/** One message in this many is invalid. */
	static final int ONE_IN_N_INVALID = 100;

	private static final List<String> APP_VERSIONS = List.of("2.3.0", "0.96", "2.00", "0.2.6");

	private static final List<String> DEVICE_TYPES = List.of("android", "ios");

	private static final List<String> LOCALES = List.of("RU", "US", "DE", "PH", "BR", "IN", "ID", "FR", "MX", "NG");

	// What the take-home's queue holds besides logins, and what a broken producer sends.
	private static final List<String> INVALID_BODIES = List.of(SampleEvents.WRONG_TYPE,
			"{\"user_id\": \"u\", \"ip\": \"10.0.0.1\"", "{\"user_id\": 5}",
			"{\"user_id\": \"u\", \"locale\": \"" + "x".repeat(40) + "\"}");

	static LoginLoad generate(int count, long seed) {
		Random random = new Random(seed);
		// The pools come from a seed of their own, so every load of a run shares ips and devices.
		Random pools = new Random(20_240_617L);
		List<String> ips = new ArrayList<>(POOL_SIZE);
		List<String> deviceIds = new ArrayList<>(POOL_SIZE);
		for (int i = 0; i < POOL_SIZE; i++) {
			ips.add((1 + pools.nextInt(223)) + "." + pools.nextInt(256) + "." + pools.nextInt(256) + "."
					+ (1 + pools.nextInt(254)));
			deviceIds.add(String.format("%03d-%02d-%04d", pools.nextInt(1000), pools.nextInt(100),
					pools.nextInt(10000)));
		}
		List<String> bodies = new ArrayList<>(count);
		int invalid = 0;
		for (int i = 0; i < count; i++) {
			if (i % ONE_IN_N_INVALID == ONE_IN_N_INVALID / 2) {
				bodies.add(INVALID_BODIES.get(invalid++ % INVALID_BODIES.size()));
				continue;
			}
			String locale = (random.nextInt(8) == 0) ? null : pick(random, LOCALES);
			bodies.add(SampleEvents.event(new UUID(random.nextLong(), random.nextLong()).toString(),
					pick(random, APP_VERSIONS), pick(random, DEVICE_TYPES), pick(random, ips), locale,
					pick(random, deviceIds)));
		}
		return new LoginLoad(List.copyOf(bodies), invalid);
	}

	int size() {
		return this.bodies.size();
	}

	int valid() {
		return this.bodies.size() - this.invalid;
	}

	private static <T> T pick(Random random, List<T> values) {
		return values.get(random.nextInt(values.size()));
	}

}
