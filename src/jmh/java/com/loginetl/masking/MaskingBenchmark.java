package com.loginetl.masking;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What masking one field costs, per mode: {@code mvn -Pjmh -DskipTests test}. Each call masks the
 * next of 1024 distinct values, as the service masks each event's values, through the public
 * {@link PiiMasker#mask} (canonicalisation, Tink, Base64).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MaskingBenchmark {

	private static final int VALUES = 1024;

	@Param({ "REVERSIBLE", "IRREVERSIBLE" })
	MaskingMode mode;

	private PiiMasker masker;

	private final String[] ipv4 = new String[VALUES];

	private final String[] ipv6 = new String[VALUES];

	private final String[] deviceIds = new String[VALUES];

	private int next;

	@Setup
	public void setUp() {
		this.masker = PiiMasker.from(new MaskingProperties(Keysets.generate(this.mode), null));
		for (int i = 0; i < VALUES; i++) {
			this.ipv4[i] = (10 + i % 200) + "." + (i * 7 % 256) + "." + (i * 13 % 256) + "." + (1 + i % 254);
			this.ipv6[i] = "2001:DB8:0:0:" + Integer.toHexString(i) + ":0:0:" + Integer.toHexString(i * 31 % 65536);
			this.deviceIds[i] = String.format("%03d-%02d-%04d", i % 1000, i % 100, i * 37 % 10000);
		}
	}

	private int next() {
		this.next = (this.next + 1) & (VALUES - 1);
		return this.next;
	}

	@Benchmark
	public String ipv4() {
		return this.masker.mask(PiiField.IP, this.ipv4[next()]);
	}

	@Benchmark
	public String ipv6() {
		return this.masker.mask(PiiField.IP, this.ipv6[next()]);
	}

	@Benchmark
	public String deviceId() {
		return this.masker.mask(PiiField.DEVICE_ID, this.deviceIds[next()]);
	}

}
