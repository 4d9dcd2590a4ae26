package com.loginetl.masking;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.OptionalInt;

import com.google.crypto.tink.KeysetHandle;

/**
 * Turns personal values into tokens and, for holders of a reversible keyset, back.
 * <p>
 * The keyset decides the mode. With AES-SIV keys (Tink deterministic AEAD) a token is the
 * ciphertext of the value with the field name as associated data, and holders of the keyset can
 * read it back. With HMAC-SHA256 keys (Tink PRF) a token is a keyed one-way function of the field
 * name and the value, and nobody can. Either way equal values give equal tokens, so analysts can
 * count and join; a token starts with the id of the key that made it; and unlike a plain hash,
 * nobody without the keyset can enumerate the 2^32 IPv4 addresses to reverse or test a token.
 * Tokens are URL-safe Base64 without padding.
 * <p>
 * Built once from the keyset; immutable and thread-safe.
 */
public final class PiiMasker {

	/**
	 * Longest value (in UTF-8 bytes) whose token still fits the 256-character token columns: a
	 * reversible token is a 5-byte key-id prefix, a 16-byte synthetic IV and the value, and Base64
	 * makes 4 characters of 3 bytes, so 128 bytes give a 199-character token. (Irreversible tokens
	 * are always 50 characters.)
	 */
	public static final int MAX_VALUE_BYTES = 128;

	private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

	private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

	private final MaskingMode mode;

	private final Tokens tokens;

	private final OptionalInt developmentKey;

	private final DeadLetterSeal deadLetterSeal;

	private PiiMasker(MaskingMode mode, Tokens tokens, OptionalInt developmentKey, DeadLetterSeal deadLetterSeal) {
		this.mode = mode;
		this.tokens = tokens;
		this.developmentKey = developmentKey;
		this.deadLetterSeal = deadLetterSeal;
	}

	/** A masker for the service: refuses unsafe keysets, and the development keyset unless allowed. */
	public static PiiMasker from(MaskingProperties properties) {
		return create(Keysets.load(properties), properties.allowDevelopmentKeyset());
	}

	/** A masker that refuses unsafe keysets, including the development keyset. */
	public static PiiMasker from(KeysetHandle keyset) {
		return create(keyset, false);
	}

	/**
	 * A masker for the key holder's tools, which read tokens rather than make stored ones: it
	 * accepts the development keyset, whose tokens anyone can read anyway.
	 */
	public static PiiMasker forKeyHolder(MaskingProperties properties) {
		return create(Keysets.load(properties), true);
	}

	private static PiiMasker create(KeysetHandle keyset, boolean allowDevelopmentKeyset) {
		Keysets.registerPrimitives();
		MaskingMode mode = KeysetPolicy.check(keyset);
		OptionalInt developmentKey = KeysetPolicy.developmentKey(keyset);
		if (developmentKey.isPresent() && !allowDevelopmentKeyset) {
			throw new MaskingKeyException("The masking keyset contains the built-in development key (key id "
					+ Integer.toUnsignedString(developmentKey.getAsInt()) + ", src/test/resources/dev-keyset.json). "
					+ "That key is public: anyone with the repository can read its tokens. Only the local run "
					+ "(mvn spring-boot:test-run) may use it. " + MaskingProperties.HOW_TO_FIX);
		}
		Tokens tokens = switch (mode) {
			case REVERSIBLE -> new ReversibleTokens(keyset);
			case IRREVERSIBLE -> new IrreversibleTokens(keyset);
		};
		return new PiiMasker(mode, tokens, developmentKey, DeadLetterSeal.derive(keyset));
	}

	/**
	 * The token of {@code value} in {@code field}, made with the primary key. Null stays null, and
	 * so does a value the field has nothing of (the {@link PiiField#IP_NETWORK network} of what is
	 * no IP literal).
	 */
	public String mask(PiiField field, String value) {
		String canonical = (value != null) ? field.canonical(value) : null;
		if (canonical == null) {
			return null;
		}
		return ENCODER.encodeToString(this.tokens.make(field, canonical.getBytes(StandardCharsets.UTF_8)));
	}

	/** The seal of dead letters and redrives, derived from this masker's keyset (same key ids, same primary). */
	public DeadLetterSeal deadLetterSeal() {
		return this.deadLetterSeal;
	}

	public MaskingMode mode() {
		return this.mode;
	}

	/** The id of the key that makes new tokens. */
	public int primaryKeyId() {
		return this.tokens.primaryKeyId();
	}

	/** Whether the keyset holds the public development key (only ever allowed for the local run). */
	public boolean usesDevelopmentKey() {
		return this.developmentKey.isPresent();
	}

	/** The id of the key that made {@code token}, from its prefix; empty when it is no token of this mode. */
	public OptionalInt keyIdOf(String token) {
		return decode(token).map(this.tokens::keyId).orElse(OptionalInt.empty());
	}

	/** Whether the primary key made {@code token}. */
	public boolean madeByPrimaryKey(String token) {
		OptionalInt keyId = keyIdOf(token);
		return keyId.isPresent() && keyId.getAsInt() == this.tokens.primaryKeyId();
	}

	/**
	 * The value behind a token, if this keyset made it. Tokens do not say their field, so each
	 * field's associated data is tried; authentication makes a wrong guess fail, never mislead.
	 *
	 * @throws UnsupportedOperationException for an irreversible keyset, whose tokens nobody can read back
	 */
	public Optional<Unmasked> unmask(String token) {
		requireReversible("read back");
		Optional<byte[]> raw = decode(token);
		if (raw.isEmpty()) {
			return Optional.empty();
		}
		for (PiiField field : PiiField.values()) {
			Optional<byte[]> value = this.tokens.read(field, raw.get());
			if (value.isPresent()) {
				return Optional.of(new Unmasked(field, new String(value.get(), StandardCharsets.UTF_8)));
			}
		}
		return Optional.empty();
	}

	/**
	 * The primary key's token for the value behind {@code token}, a token of {@code field} made by
	 * any key of this keyset; empty when no key of it made that token.
	 *
	 * @throws UnsupportedOperationException for an irreversible keyset: its tokens cannot be rewritten
	 */
	public Optional<String> remask(PiiField field, String token) {
		requireReversible("rewritten under another key");
		if (madeByPrimaryKey(token)) {
			return Optional.of(token);
		}
		return decode(token).flatMap((raw) -> this.tokens.read(field, raw))
			.map((value) -> ENCODER.encodeToString(this.tokens.make(field, value)));
	}

	private void requireReversible(String what) {
		if (this.mode == MaskingMode.IRREVERSIBLE) {
			throw new UnsupportedOperationException(irreversibleExplanation(what));
		}
	}

	/** Why tokens of an irreversible keyset cannot be {@code what} (for messages to users). */
	public static String irreversibleExplanation(String what) {
		return "The masking keyset is irreversible (HMAC-SHA256 PRF keys): its tokens are keyed one-way "
				+ "values, and no key, not even this keyset, turns them back into the values they came from, so they "
				+ "cannot be " + what + ". That is the point of this mode.";
	}

	private static Optional<byte[]> decode(String token) {
		try {
			return Optional.of(DECODER.decode(token.strip()));
		}
		catch (IllegalArgumentException notBase64) {
			return Optional.empty();
		}
	}

	/** A value read back from its token, with the field it was masked for. */
	public record Unmasked(PiiField field, String value) {
	}

}
