package com.loginetl.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.function.Supplier;

import tools.jackson.databind.json.JsonMapper;

/**
 * Message bodies shaped like the take-home's queue: login events, and one message of another
 * kind. A fixed seed gives the same bodies on every run, so tests can count on them.
 */
public final class SampleEvents {

	/** How many bodies {@link #takeHome()} returns. */
	public static final int COUNT = 100;

	/** The one body in {@link #takeHome()} that is not a login event. */
	public static final String WRONG_TYPE = "{\"foo\": \"oops_wrong_msg_type\", \"bar\": \"123\"}";

	/** Where {@link #WRONG_TYPE} sits in {@link #takeHome()}. */
	public static final int WRONG_TYPE_INDEX = 42;

	private static final long SEED = 20_240_617L;

	private static final List<String> APP_VERSIONS = List.of("2.3.0", "0.96", "2.00", "0.2.6");

	private static final List<String> DEVICE_TYPES = List.of("android", "ios");

	private static final List<String> LOCALES = List.of("RU", "US", "DE", "PH", "BR", "IN", "ID", "FR", "MX", "NG");

	// Fewer than the events, so some ips and device ids repeat, as a returning user's do.
	private static final int POOL_SIZE = 60;

	private static final int ONE_IN_N_LOCALES_NULL = 8;

	private static final JsonMapper JSON = JsonMapper.shared();

	private SampleEvents() {
	}

	/**
	 * {@value #COUNT} bodies: 99 login events, some with a null locale and with ips and device ids
	 * that repeat, and {@link #WRONG_TYPE} at index {@value #WRONG_TYPE_INDEX}.
	 */
	public static List<String> takeHome() {
		Random random = new Random(SEED);
		List<String> ips = pool(() -> randomIp(random));
		List<String> deviceIds = pool(() -> randomDeviceId(random));
		List<String> bodies = new ArrayList<>(COUNT);
		for (int i = 0; i < COUNT; i++) {
			if (i == WRONG_TYPE_INDEX) {
				bodies.add(WRONG_TYPE);
				continue;
			}
			String locale = (random.nextInt(ONE_IN_N_LOCALES_NULL) == 0) ? null : pick(random, LOCALES);
			bodies.add(event(randomUuid(random).toString(), pick(random, APP_VERSIONS), pick(random, DEVICE_TYPES),
					pick(random, ips), locale, pick(random, deviceIds)));
		}
		return List.copyOf(bodies);
	}

	/**
	 * One login event, with the take-home's field order and spacing. A {@code null} argument
	 * becomes JSON {@code null}.
	 */
	public static String event(String userId, String appVersion, String deviceType, String ip, String locale,
			String deviceId) {
		StringJoiner body = new StringJoiner(", ", "{", "}");
		body.add(field("user_id", userId));
		body.add(field("app_version", appVersion));
		body.add(field("device_type", deviceType));
		body.add(field("ip", ip));
		body.add(field("locale", locale));
		body.add(field("device_id", deviceId));
		return body.toString();
	}

	// Jackson quotes and escapes; the joiner adds the take-home's ": " and ", ".
	private static String field(String name, String value) {
		return JSON.writeValueAsString(name) + ": " + JSON.writeValueAsString(value);
	}

	private static List<String> pool(Supplier<String> next) {
		List<String> pool = new ArrayList<>(POOL_SIZE);
		for (int i = 0; i < POOL_SIZE; i++) {
			pool.add(next.get());
		}
		return pool;
	}

	private static <T> T pick(Random random, List<T> values) {
		return values.get(random.nextInt(values.size()));
	}

	private static String randomIp(Random random) {
		return (1 + random.nextInt(223)) + "." + random.nextInt(256) + "." + random.nextInt(256) + "."
				+ (1 + random.nextInt(254));
	}

	private static String randomDeviceId(Random random) {
		return String.format("%03d-%02d-%04d", random.nextInt(1000), random.nextInt(100), random.nextInt(10000));
	}

	// A version 4 UUID from the seeded generator; UUID.randomUUID() would change on every run.
	private static UUID randomUuid(Random random) {
		long high = (random.nextLong() & ~0xF000L) | 0x4000L;
		long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
		return new UUID(high, low);
	}

}
