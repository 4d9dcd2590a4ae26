package com.loginetl.masking;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The fixed keysets under src/test/resources/masking: public, for tests only. */
final class TestKeysets {

	static final String REVERSIBLE = "kat-reversible-keyset.json";

	/** {@link #REVERSIBLE}'s key plus a newer primary key. */
	static final String REVERSIBLE_ROTATED = "kat-reversible-rotated-keyset.json";

	static final String IRREVERSIBLE = "kat-irreversible-keyset.json";

	/** {@link #IRREVERSIBLE}'s key plus a newer primary key. */
	static final String IRREVERSIBLE_ROTATED = "kat-irreversible-rotated-keyset.json";

	private TestKeysets() {
	}

	/** The development keyset of the local run. */
	static final String DEVELOPMENT = "/dev-keyset.json";

	/** A keyset of src/test/resources/masking, or with a leading slash, of src/test/resources. */
	static String json(String name) {
		String path = name.startsWith("/") ? name : "/masking/" + name;
		try (InputStream in = TestKeysets.class.getResourceAsStream(path)) {
			if (in == null) {
				throw new IllegalStateException(path + " is missing from the test classpath");
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static PiiMasker masker(String name) {
		return PiiMasker.from(new MaskingProperties(json(name), null));
	}

}
