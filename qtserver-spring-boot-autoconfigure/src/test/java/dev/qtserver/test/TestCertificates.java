package dev.qtserver.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;
import org.springframework.util.FileSystemUtils;

/**
 * Certificates the TLS tests make for themselves with the {@code openssl} command line,
 * in a directory of their own: a test CA; server certificates it signed for
 * {@code localhost} (and 127.0.0.1), for {@code other.test} (SNI) and a second one for
 * {@code localhost} (reload); a client certificate it signed; and an untrusted client
 * certificate signed by a CA of its own. EC P-256 keys: quick to make.
 */
public final class TestCertificates {

	private static @Nullable TestCertificates shared;

	private final Path directory;

	private TestCertificates(Path directory) {
		this.directory = directory;
	}

	/**
	 * Return the certificates every test of this JVM shares, made on first use in a
	 * temporary directory that is deleted when the JVM exits.
	 * @return the certificates
	 */
	public static synchronized TestCertificates shared() {
		TestCertificates certificates = shared;
		if (certificates == null) {
			try {
				Path directory = Files.createTempDirectory("qtserver-test-certificates");
				Runtime.getRuntime()
					.addShutdownHook(new Thread(() -> FileSystemUtils.deleteRecursively(directory.toFile())));
				certificates = create(directory);
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
			shared = certificates;
		}
		return certificates;
	}

	/**
	 * Make the certificates.
	 * @param directory where to write them
	 * @return the certificates
	 */
	public static TestCertificates create(Path directory) {
		TestCertificates certificates = new TestCertificates(directory);
		certificates.makeCa("ca", "qtserver test CA");
		certificates.makeCa("rogue-ca", "qtserver rogue CA");
		certificates.makeSigned("server", "ca", "localhost", "DNS:localhost,IP:127.0.0.1", "serverAuth");
		certificates.makeSigned("server2", "ca", "localhost", "DNS:localhost,IP:127.0.0.1", "serverAuth");
		certificates.makeSigned("other", "ca", "other.test", "DNS:other.test", "serverAuth");
		certificates.makeSigned("client", "ca", "qtserver test client", null, "clientAuth");
		certificates.makeSigned("rogue", "rogue-ca", "qtserver rogue client", null, "clientAuth");
		return certificates;
	}

	/**
	 * Return the PEM file of a certificate.
	 * @param name {@code ca}, {@code server}, {@code server2}, {@code other},
	 * {@code client} or {@code rogue}
	 * @return the certificate file
	 */
	public Path certificate(String name) {
		return this.directory.resolve(name + ".crt");
	}

	/**
	 * Return the PEM file of a private key.
	 * @param name as for {@link #certificate(String)}
	 * @return the key file
	 */
	public Path key(String name) {
		return this.directory.resolve(name + ".key");
	}

	/**
	 * Make an SSL bundle as {@code spring.ssl.bundle.pem} would: a certificate and key,
	 * trusting the test CA.
	 * @param name the certificate, as for {@link #certificate(String)}
	 * @return the bundle
	 */
	public SslBundle bundle(String name) {
		return SslBundle.of(new PemSslStoreBundle(
				PemSslStoreDetails.forCertificate(location(certificate(name))).withPrivateKey(location(key(name))),
				PemSslStoreDetails.forCertificate(location(certificate("ca")))));
	}

	/**
	 * Return the properties of a {@code spring.ssl.bundle.pem.<bundle>} made of a
	 * certificate and key, trusting the test CA.
	 * @param bundle the bundle name
	 * @param name the certificate, as for {@link #certificate(String)}
	 * @return the properties, as {@code key=value}
	 */
	public List<String> bundleProperties(String bundle, String name) {
		String prefix = "spring.ssl.bundle.pem." + bundle + ".";
		return List.of(prefix + "keystore.certificate=" + location(certificate(name)),
				prefix + "keystore.private-key=" + location(key(name)),
				prefix + "truststore.certificate=" + location(certificate("ca")));
	}

	private static String location(Path file) {
		return "file:" + file.toAbsolutePath();
	}

	private void makeCa(String name, String commonName) {
		openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "30",
				"-subj", "/CN=" + commonName, "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
				"keyUsage=critical,keyCertSign,cRLSign", "-keyout", key(name).toString(), "-out",
				certificate(name).toString());
	}

	private void makeSigned(String name, String ca, String commonName, String subjectAltNames, String usage) {
		Path request = this.directory.resolve(name + ".csr");
		openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj",
				"/CN=" + commonName, "-keyout", key(name).toString(), "-out", request.toString());
		Path extensions = this.directory.resolve(name + ".ext");
		StringBuilder text = new StringBuilder("basicConstraints=CA:FALSE\nextendedKeyUsage=" + usage + "\n");
		if (subjectAltNames != null) {
			text.append("subjectAltName=").append(subjectAltNames).append('\n');
		}
		try {
			Files.writeString(extensions, text);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		openssl("x509", "-req", "-in", request.toString(), "-CA", certificate(ca).toString(), "-CAkey",
				key(ca).toString(), "-CAcreateserial", "-days", "30", "-extfile", extensions.toString(), "-out",
				certificate(name).toString());
	}

	private void openssl(String... arguments) {
		List<String> command = new ArrayList<>();
		command.add(RealClients.openssl());
		command.addAll(List.of(arguments));
		try {
			Process process = new ProcessBuilder(command).directory(this.directory.toFile())
				.redirectErrorStream(true)
				.start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IllegalStateException("openssl " + String.join(" ", arguments) + " failed: " + output);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not run openssl", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
