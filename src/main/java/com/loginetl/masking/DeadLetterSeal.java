package com.loginetl.masking;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import com.google.crypto.tink.DeterministicAead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.Key;
import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.daead.AesSivKey;
import com.google.crypto.tink.daead.AesSivParameters;
import com.google.crypto.tink.prf.HmacPrfKey;
import com.google.crypto.tink.subtle.Hkdf;
import com.google.crypto.tink.util.SecretBytes;

/**
 * Seals what must not lie readable in a queue: a rejected message's body in the dead-letter queue,
 * and the attributes {@code dlq redrive} sets, which only it may set.
 * <p>
 * Its keyset is derived from the masking keyset, so it needs no configuration of its own and works
 * in both masking modes: for each enabled masking key, HKDF-SHA256 over the key's bytes with the
 * info {@value #INFO} gives a 64-byte AES256-SIV key (Tink deterministic AEAD, output prefix TINK)
 * with the same key id; the masking primary's key is the primary. A sealed value therefore starts
 * with {@code 0x01} and the id of the masking key it was sealed under, and any key still in the
 * masking keyset opens it.
 * <p>
 * Built once from the keyset; immutable and thread-safe. It never shows key material.
 */
public final class DeadLetterSeal {

	/** The HKDF info: names what the derived keys are for, so they differ from any other use of the keys. */
	static final String INFO = "login-etl dead-letter seal v1";

	/** A Tink ciphertext's prefix: the byte {@code 0x01} and a 4-byte key id. */
	public static final int PREFIX_BYTES = 5;

	/** What sealing adds to a plaintext: the prefix and the 16-byte synthetic IV. */
	public static final int OVERHEAD_BYTES = PREFIX_BYTES + 16;

	private static final int AES_SIV_KEY_BYTES = 64;

	private static final byte STORED = 0;

	private static final byte DEFLATED = 1;

	/** Longest body an opened dead letter may inflate to: well above what SQS carries. */
	private static final int MAX_OPENED_BYTES = 4 * 1024 * 1024;

	private static final byte[] NO_SALT = new byte[0];

	private final DeterministicAead aead;

	private final int primaryKeyId;

	private final Set<Integer> keyIds;

	private DeadLetterSeal(DeterministicAead aead, int primaryKeyId, Set<Integer> keyIds) {
		this.aead = aead;
		this.primaryKeyId = primaryKeyId;
		this.keyIds = keyIds;
	}

	/** The seal of a masking keyset that {@link KeysetPolicy} has accepted. */
	static DeadLetterSeal derive(KeysetHandle maskingKeyset) {
		Keysets.registerPrimitives();
		try {
			KeysetHandle.Builder builder = KeysetHandle.newBuilder();
			Set<Integer> ids = new HashSet<>();
			int primary = maskingKeyset.getPrimary().getId();
			AesSivParameters parameters = AesSivParameters.builder()
				.setKeySizeBytes(AES_SIV_KEY_BYTES)
				.setVariant(AesSivParameters.Variant.TINK)
				.build();
			for (int i = 0; i < maskingKeyset.size(); i++) {
				KeysetHandle.Entry entry = maskingKeyset.getAt(i);
				if (entry.getStatus() != KeyStatus.ENABLED) {
					continue;
				}
				byte[] derived = Hkdf.computeHkdf("HMACSHA256", keyBytes(entry.getKey()), NO_SALT,
						INFO.getBytes(StandardCharsets.UTF_8), AES_SIV_KEY_BYTES);
				AesSivKey key = AesSivKey.builder()
					.setParameters(parameters)
					.setKeyBytes(SecretBytes.copyFrom(derived, InsecureSecretKeyAccess.get()))
					.setIdRequirement(entry.getId())
					.build();
				KeysetHandle.Builder.Entry derivedEntry = KeysetHandle.importKey(key).setStatus(KeyStatus.ENABLED);
				if (entry.getId() == primary) {
					derivedEntry.makePrimary();
				}
				builder.addEntry(derivedEntry);
				ids.add(entry.getId());
			}
			DeterministicAead aead = builder.build().getPrimitive(RegistryConfiguration.get(), DeterministicAead.class);
			return new DeadLetterSeal(aead, primary, Set.copyOf(ids));
		}
		catch (GeneralSecurityException ex) {
			// Never the key: Tink's messages here name parameters at most.
			throw new MaskingKeyException("Could not derive the dead-letter seal from the masking keyset ("
					+ ex.getClass().getSimpleName() + ")", ex);
		}
	}

	/** The id of the key new seals are made with: the masking keyset's primary. */
	public int primaryKeyId() {
		return this.primaryKeyId;
	}

	/** Whether a key of this id is in the keyset, so that what it sealed can be opened. */
	public boolean holdsKey(int keyId) {
		return this.keyIds.contains(keyId);
	}

	/**
	 * A dead letter's body: {@code body} Deflate-compressed when that makes it shorter, sealed with
	 * the source message's id as associated data, standard Base64.
	 */
	public String sealBody(String sourceMessageId, String body) {
		byte[] raw = body.getBytes(StandardCharsets.UTF_8);
		byte[] deflated = deflate(raw);
		byte[] plaintext = (deflated.length < raw.length) ? tagged(DEFLATED, deflated) : tagged(STORED, raw);
		return Base64.getEncoder().encodeToString(encrypt(plaintext, bodyContext(sourceMessageId)));
	}

	/**
	 * The body {@link #sealBody} sealed for {@code sourceMessageId}; empty when it is no seal of a
	 * key of this keyset, or was sealed for another source message.
	 */
	public Optional<String> openBody(String sourceMessageId, String sealed) {
		return decodeBase64(sealed).flatMap((ciphertext) -> decrypt(ciphertext, bodyContext(sourceMessageId)))
			.flatMap(DeadLetterSeal::untagged)
			.map((raw) -> new String(raw, StandardCharsets.UTF_8));
	}

	/**
	 * What {@code dlq redrive} attaches to a message it sends back: the seal of its
	 * {@code redriven_from} and {@code source_sent_timestamp}, bound to a SHA-256 of its body, in
	 * standard Base64.
	 */
	public String sealRedrive(String redrivenFrom, String sourceSentTimestamp, String body) {
		return Base64.getEncoder()
			.encodeToString(encrypt(redriveText(redrivenFrom, sourceSentTimestamp), redriveContext(body)));
	}

	/**
	 * Whether {@code seal} is {@link #sealRedrive}'s seal of exactly these attributes over exactly
	 * this body, made with a key of this keyset.
	 */
	public boolean verifiesRedrive(String redrivenFrom, String sourceSentTimestamp, String body, String seal) {
		if (redrivenFrom == null || sourceSentTimestamp == null || body == null || seal == null) {
			return false;
		}
		byte[] expected = redriveText(redrivenFrom, sourceSentTimestamp);
		return decodeBase64(seal).flatMap((ciphertext) -> decrypt(ciphertext, redriveContext(body)))
			.map((opened) -> MessageDigest.isEqual(opened, expected))
			.orElse(false);
	}

	/**
	 * The id of the key that sealed a Base64 value of {@link #sealBody} or {@link #sealRedrive},
	 * read from its prefix without any key; empty when it has no Tink prefix.
	 */
	public static OptionalInt keyIdOf(String sealed) {
		if (sealed == null || sealed.length() < 8) {
			return OptionalInt.empty();
		}
		Optional<byte[]> head = decodeBase64(sealed.substring(0, 8));
		if (head.isEmpty() || head.get()[0] != 0x01) {
			return OptionalInt.empty();
		}
		return OptionalInt.of(ByteBuffer.wrap(head.get(), 1, 4).getInt());
	}

	@Override
	public String toString() {
		return "DeadLetterSeal[primary key " + Integer.toUnsignedString(this.primaryKeyId) + ", " + this.keyIds.size()
				+ " keys]";
	}

	private byte[] encrypt(byte[] plaintext, byte[] associatedData) {
		try {
			return this.aead.encryptDeterministically(plaintext, associatedData);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Tink could not seal a value (" + ex.getClass().getSimpleName() + ")", ex);
		}
	}

	private Optional<byte[]> decrypt(byte[] ciphertext, byte[] associatedData) {
		try {
			return Optional.of(this.aead.decryptDeterministically(ciphertext, associatedData));
		}
		catch (GeneralSecurityException notOurs) {
			return Optional.empty();
		}
	}

	private static byte[] bodyContext(String sourceMessageId) {
		return ("dead-letter|" + sourceMessageId).getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] redriveContext(String body) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8));
			return ("redrive|" + HexFormat.of().formatHex(digest)).getBytes(StandardCharsets.UTF_8);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

	private static byte[] redriveText(String redrivenFrom, String sourceSentTimestamp) {
		return (redrivenFrom + "\n" + sourceSentTimestamp).getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] tagged(byte tag, byte[] data) {
		byte[] tagged = new byte[data.length + 1];
		tagged[0] = tag;
		System.arraycopy(data, 0, tagged, 1, data.length);
		return tagged;
	}

	private static Optional<byte[]> untagged(byte[] plaintext) {
		if (plaintext.length == 0) {
			return Optional.empty();
		}
		byte[] data = java.util.Arrays.copyOfRange(plaintext, 1, plaintext.length);
		return switch (plaintext[0]) {
			case STORED -> Optional.of(data);
			case DEFLATED -> inflate(data);
			default -> Optional.empty();
		};
	}

	private static byte[] deflate(byte[] raw) {
		Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
		try {
			deflater.setInput(raw);
			deflater.finish();
			ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 2 + 16);
			byte[] buffer = new byte[8192];
			while (!deflater.finished()) {
				out.write(buffer, 0, deflater.deflate(buffer));
			}
			return out.toByteArray();
		}
		finally {
			deflater.end();
		}
	}

	private static Optional<byte[]> inflate(byte[] deflated) {
		Inflater inflater = new Inflater(true);
		try {
			inflater.setInput(deflated);
			ByteArrayOutputStream out = new ByteArrayOutputStream(deflated.length * 4);
			byte[] buffer = new byte[8192];
			while (!inflater.finished()) {
				int n = inflater.inflate(buffer);
				if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
					return Optional.empty();
				}
				out.write(buffer, 0, n);
				if (out.size() > MAX_OPENED_BYTES) {
					return Optional.empty();
				}
			}
			return Optional.of(out.toByteArray());
		}
		catch (DataFormatException ex) {
			return Optional.empty();
		}
		finally {
			inflater.end();
		}
	}

	private static Optional<byte[]> decodeBase64(String text) {
		try {
			return Optional.of(Base64.getDecoder().decode(text.strip()));
		}
		catch (IllegalArgumentException notBase64) {
			return Optional.empty();
		}
	}

	private static byte[] keyBytes(Key key) throws GeneralSecurityException {
		SecretBytes bytes;
		if (key instanceof AesSivKey aesSiv) {
			bytes = aesSiv.getKeyBytes();
		}
		else if (key instanceof HmacPrfKey hmac) {
			bytes = hmac.getKeyBytes();
		}
		else {
			throw new GeneralSecurityException("not a masking key");
		}
		return bytes.toByteArray(InsecureSecretKeyAccess.get());
	}

}
