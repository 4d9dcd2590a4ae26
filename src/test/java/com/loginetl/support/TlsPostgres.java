package com.loginetl.support;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.UUID;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * An embedded PostgreSQL of its own that serves TLS (ssl = on) with a server certificate for the
 * host name {@code localhost} only, signed by a test CA made here; and a second CA that signed
 * nothing this server shows. Connecting to {@code 127.0.0.1} is therefore the wrong host name.
 * Started per test class and closed by it; the shared {@link TestPostgres} stays without TLS.
 */
public final class TlsPostgres implements AutoCloseable {

	private final EmbeddedPostgres server;

	private final Path caFile;

	private final Path otherCaFile;

	private TlsPostgres(EmbeddedPostgres server, Path caFile, Path otherCaFile) {
		this.server = server;
		this.caFile = caFile;
		this.otherCaFile = otherCaFile;
	}

	public static TlsPostgres start() {
		try {
			Path directory = Files.createTempDirectory("login-etl-tls-");
			KeyPair caKeys = keyPair();
			X509Certificate ca = certificate("CN=login-etl test CA", caKeys, "CN=login-etl test CA", caKeys, null);
			KeyPair otherKeys = keyPair();
			X509Certificate otherCa = certificate("CN=another CA", otherKeys, "CN=another CA", otherKeys, null);
			KeyPair serverKeys = keyPair();
			X509Certificate serverCertificate = certificate("CN=localhost", serverKeys, "CN=login-etl test CA", caKeys,
					"localhost");
			Path caFile = write(directory.resolve("ca.pem"), ca);
			Path otherCaFile = write(directory.resolve("other-ca.pem"), otherCa);
			Path certFile = write(directory.resolve("server.crt"), serverCertificate);
			Path keyFile = Files.writeString(directory.resolve("server.key"), "-----BEGIN PRIVATE KEY-----\n"
					+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
						.encodeToString(serverKeys.getPrivate().getEncoded())
					+ "\n-----END PRIVATE KEY-----\n");
			// PostgreSQL refuses a key file that others may read.
			Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
			File serverLog = Files.createTempFile("login-etl-postgres-tls-", ".log").toFile();
			EmbeddedPostgres server = EmbeddedPostgres.builder()
				.setRegisterShutdownHook(true)
				.setServerConfig("ssl", "on")
				.setServerConfig("ssl_cert_file", certFile.toString())
				.setServerConfig("ssl_key_file", keyFile.toString())
				.setPGStartupWait(Duration.ofSeconds(60))
				.setOutputRedirector(Redirect.appendTo(serverLog))
				.setErrorRedirector(Redirect.appendTo(serverLog))
				.start();
			return new TlsPostgres(server, caFile, otherCaFile);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (GeneralSecurityException | OperatorCreationException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A new empty database, reached by {@code host}: {@code localhost} is the certificate's name. */
	public JdbcTarget newDatabase(String host) {
		String name = "logins_" + UUID.randomUUID().toString().replace("-", "");
		try (Connection connection = DriverManager.getConnection(url("localhost", "postgres"), "postgres", "");
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE " + name);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
		return new JdbcTarget(url(host, name), "postgres", "");
	}

	/** The PEM file of the CA that signed the server's certificate. */
	public Path caFile() {
		return this.caFile;
	}

	/** The PEM file of a CA that signed nothing this server presents. */
	public Path otherCaFile() {
		return this.otherCaFile;
	}

	private String url(String host, String database) {
		return "jdbc:postgresql://" + host + ":" + this.server.getPort() + "/" + database;
	}

	@Override
	public void close() throws IOException {
		this.server.close();
	}

	private static KeyPair keyPair() throws GeneralSecurityException {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		return generator.generateKeyPair();
	}

	/** Self-signed (a CA) when {@code dnsName} is null, else a server certificate for that name. */
	private static X509Certificate certificate(String subject, KeyPair subjectKeys, String issuer, KeyPair issuerKeys,
			String dnsName) throws GeneralSecurityException, OperatorCreationException, IOException {
		Instant now = Instant.now();
		X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer),
				BigInteger.valueOf(now.toEpochMilli()).add(BigInteger.valueOf(subjectKeys.hashCode() & 0xffff)),
				Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))),
				new X500Name(subject), subjectKeys.getPublic());
		if (dnsName == null) {
			builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
			builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
		}
		else {
			builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
			builder.addExtension(Extension.keyUsage, true,
					new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
			builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
			builder.addExtension(Extension.subjectAlternativeName, false,
					new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
		}
		return new JcaX509CertificateConverter()
			.getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKeys.getPrivate())));
	}

	private static Path write(Path file, Object pemObject) throws IOException {
		StringWriter text = new StringWriter();
		try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
			writer.writeObject(pemObject);
		}
		return Files.writeString(file, text.toString());
	}

}
