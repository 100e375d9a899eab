package org.sealpost.bridge.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.mail.Folder;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.bridge.BridgeAccounts;
import org.sealpost.bridge.BridgePassword;
import org.sealpost.bridge.Enrollment;
import org.sealpost.bridge.tls.TlsIdentity;
import org.sealpost.client.SealpostClient;
import org.sealpost.identity.Domain;
import org.sealpost.identity.secret.PassphraseBox;
import org.sealpost.identity.wallet.WalletKey;
import org.sealpost.server.HomeServer;
import org.sealpost.server.config.ConfigLoader;

/**
 * The IMAP bridge's TLS with real clients over real sockets: STARTTLS and implicit TLS from Jakarta
 * Mail, python3 imaplib and curl, each verifying the certificate; the certificate kept across
 * restarts; an operator's certificate served; LOGIN refused before STARTTLS off loopback.
 */
class ImapTlsIT {
  static final String DOMAIN = "home.test";
  static final String BOB_KEY = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
  static final Clock CLOCK = Clock.systemUTC();
  static final TlsIdentity.Settings TLS = TlsIdentity.Settings.generated(DOMAIN, "127.0.0.1");

  @TempDir static Path data;
  static HomeServer home;
  static URI homeUrl;
  static TlsIdentity identity;
  static ImapBridge bridge;
  static String bobMail;
  static String bobPassword;

  @BeforeAll
  static void start() throws Exception {
    home =
        HomeServer.start(
            new ConfigLoader()
                .set("data-dir", data.toString(), "test")
                .set("domain", DOMAIN, "test")
                .set("http.port", "0", "test")
                .set("http.shutdown-grace-seconds", "1", "test")
                .load(),
            CLOCK);
    homeUrl = URI.create("http://127.0.0.1:" + home.httpPort());
    WalletKey bob = WalletKey.parse(BOB_KEY);
    Enrollment enrollment =
        new Enrollment(
            Domain.parse(DOMAIN),
            new SealpostClient(homeUrl, CLOCK),
            new BridgeAccounts(data),
            CLOCK,
            new SecureRandom(),
            new BridgePassword(1024, 1),
            new PassphraseBox(1024, 1, 1));
    String text = enrollment.prepare(bob.account());
    Enrollment.Credentials credentials = enrollment.complete(bob.account(), bob.signPersonal(text));
    bobMail = credentials.mail().toString();
    bobPassword = new String(credentials.password());

    identity = TlsIdentity.loadOrCreate(data, TLS);
    bridge = start("127.0.0.1", identity);
  }

  static ImapBridge start(String host, TlsIdentity tls) throws Exception {
    return ImapBridge.start(
        new ImapBridge.Settings(
            data,
            host,
            0,
            homeUrl,
            ImapBridge.Storage.EMBEDDED,
            Optional.of(new ImapBridge.Tls(tls, 0))),
        CLOCK);
  }

  @AfterAll
  static void stop() {
    if (bridge != null) {
      bridge.close();
    }
    if (home != null) {
      home.close();
    }
  }

  @Test
  void jakartaMailWithStartTlsRequiredLogsInOverTheGeneratedCertificate() throws Exception {
    Recording trust = new Recording(identity.certificate());
    Properties props = timeouts("imap");
    props.put("mail.imap.starttls.enable", "true");
    props.put("mail.imap.starttls.required", "true");
    props.put("mail.imap.ssl.checkserveridentity", "true");
    props.put("mail.imap.ssl.socketFactory", trust.context().getSocketFactory());
    Store store = Session.getInstance(props).getStore("imap");
    store.connect("127.0.0.1", bridge.port(), bobMail, bobPassword);
    try {
      assertThat(folderNames(store)).containsAll(ImapBridge.FOLDERS);
    } finally {
      store.close();
    }
    assertThat(trust.seen()).isEqualTo(identity.certificate());
  }

  @Test
  void jakartaMailImapsLogsInOnTheImplicitTlsPort() throws Exception {
    Recording trust = new Recording(identity.certificate());
    Properties props = timeouts("imaps");
    props.put("mail.imaps.ssl.checkserveridentity", "true");
    props.put("mail.imaps.ssl.socketFactory", trust.context().getSocketFactory());
    Store store = Session.getInstance(props).getStore("imaps");
    store.connect("127.0.0.1", bridge.implicitTlsPort().getAsInt(), bobMail, bobPassword);
    try {
      assertThat(folderNames(store)).contains("INBOX", "Requests");
    } finally {
      store.close();
    }
    assertThat(trust.seen()).isEqualTo(identity.certificate());
  }

  @Test
  void jakartaMailRefusesACertificateItDoesNotTrust() throws Exception {
    X509Certificate stranger =
        TlsIdentity.loadOrCreate(data.resolve("stranger"), TLS).certificate();
    Properties props = timeouts("imaps");
    props.put("mail.imaps.ssl.socketFactory", new Recording(stranger).context().getSocketFactory());
    Store store = Session.getInstance(props).getStore("imaps");

    assertThatThrownBy(
            () ->
                store.connect(
                    "127.0.0.1", bridge.implicitTlsPort().getAsInt(), bobMail, bobPassword))
        .hasStackTraceContaining("PKIX");
  }

  @Test
  void pythonImaplibLogsInWithImplicitTlsAndWithStartTls() throws Exception {
    String implicit = python("ssl", bridge.implicitTlsPort().getAsInt());
    assertThat(implicit)
        .contains("fingerprint: " + identity.fingerprint())
        .containsPattern("protocol: TLSv1\\.[23]")
        .contains("\"INBOX\"", "\"Requests\"");

    String upgraded = python("starttls", bridge.port());
    assertThat(upgraded)
        .contains("fingerprint: " + identity.fingerprint())
        .contains("\"INBOX\"", "\"Requests\"");
    // loopback: STARTTLS is offered and LOGIN is not disabled before it
    assertThat(upgraded.lines().filter(l -> l.startsWith("before STARTTLS:")).findFirst())
        .hasValueSatisfying(
            line -> assertThat(line).contains("STARTTLS").doesNotContain("LOGINDISABLED"));
  }

  @Test
  void curlListsTheFoldersOverImapsAndOverStartTls() throws Exception {
    String user = bobMail + ":" + bobPassword;
    String imaps =
        run(
            "curl",
            "-sS",
            "--max-time",
            "15",
            "--cacert",
            identity.certificateFile().toString(),
            "-u",
            user,
            "imaps://127.0.0.1:" + bridge.implicitTlsPort().getAsInt() + "/");
    assertThat(imaps).contains("INBOX", "Requests", "Sent");

    String startTls =
        run(
            "curl",
            "-sS",
            "--max-time",
            "15",
            "--ssl-reqd",
            "--cacert",
            identity.certificateFile().toString(),
            "-u",
            user,
            "imap://127.0.0.1:" + bridge.port() + "/");
    assertThat(startTls).contains("INBOX", "Requests", "Sent");
  }

  @Test
  void aRestartServesTheSameCertificate() throws Exception {
    TlsIdentity reloaded = TlsIdentity.loadOrCreate(data, TLS);
    try (ImapBridge restarted = start("127.0.0.1", reloaded)) {
      assertThat(reloaded.fingerprint()).isEqualTo(identity.fingerprint());
      assertThat(served("127.0.0.1", restarted.implicitTlsPort().getAsInt()))
          .isEqualTo(identity.certificate());
    }
  }

  @Test
  void anOperatorsCertificateIsTheOneServed(@TempDir Path pem) throws Exception {
    Path cert = pem.resolve("fullchain.pem");
    Path key = pem.resolve("privkey.pem");
    run(
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "30",
        "-subj",
        "/CN=mail.home.test",
        "-addext",
        "subjectAltName=DNS:mail.home.test,IP:127.0.0.1",
        "-keyout",
        key.toString(),
        "-out",
        cert.toString());
    TlsIdentity configured =
        TlsIdentity.loadOrCreate(data, TlsIdentity.Settings.configured(cert, key));
    try (ImapBridge operators = start("127.0.0.1", configured)) {
      assertThat(served("127.0.0.1", operators.implicitTlsPort().getAsInt()))
          .isEqualTo(configured.certificate())
          .isNotEqualTo(identity.certificate());
      String out = python("ssl", operators.implicitTlsPort().getAsInt(), cert);
      assertThat(out).contains("fingerprint: " + configured.fingerprint());
    }
  }

  @Test
  void offLoopbackLoginIsRefusedUntilStartTls() throws Exception {
    Optional<String> address = nonLoopbackAddress();
    assumeTrue(address.isPresent(), "this machine has no non-loopback IPv4 address");
    String host = address.get();
    // its own TLS directory: the shared certificate stays as the other tests expect it
    TlsIdentity named =
        TlsIdentity.loadOrCreate(data.resolve("exposed"), TLS.withNames(List.of(DOMAIN, host)));
    try (ImapBridge exposed = start(host, named);
        RawImap imap = new RawImap(new Socket(host, exposed.port()))) {
      assertThat(imap.command("a CAPABILITY")).anyMatch(l -> l.contains("LOGINDISABLED"));
      assertThat(imap.command("b LOGIN \"" + bobMail + "\" \"" + bobPassword + "\""))
          .last()
          .asString()
          .startsWith("b NO ")
          .contains("disabled");
      assertThat(
              imap.command(
                  "c AUTHENTICATE PLAIN "
                      + java.util.Base64.getEncoder()
                          .encodeToString(
                              ("\0" + bobMail + "\0" + bobPassword)
                                  .getBytes(StandardCharsets.UTF_8))))
          .last()
          .asString()
          .startsWith("c NO ");
      // the connection survives, and the same login succeeds once TLS is up
      assertThat(imap.command("d STARTTLS")).last().asString().startsWith("d OK");
      imap.startTls(new Recording(named.certificate()).context(), host);
      assertThat(imap.command("e CAPABILITY")).noneMatch(l -> l.contains("LOGINDISABLED"));
      assertThat(imap.command("f LOGIN \"" + bobMail + "\" \"" + bobPassword + "\""))
          .last()
          .asString()
          .startsWith("f OK");
    }
  }

  @Test
  void aNonLoopbackBindWithoutTlsIsRefused() {
    assertThatThrownBy(() -> new ImapBridge.Settings(data, "0.0.0.0", 0, homeUrl))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("host: 0.0.0.0 without TLS (expected: a loopback address, or TLS settings)");
  }

  // --- helpers

  static Properties timeouts(String protocol) {
    Properties props = new Properties();
    props.put("mail." + protocol + ".connectiontimeout", "5000");
    props.put("mail." + protocol + ".timeout", "10000");
    return props;
  }

  static List<String> folderNames(Store store) throws Exception {
    return Arrays.stream(store.getDefaultFolder().list("*")).map(Folder::getFullName).toList();
  }

  static String python(String mode, int port) throws Exception {
    return python(mode, port, identity.certificateFile());
  }

  static String python(String mode, int port, Path cafile) throws Exception {
    Path script = Path.of("src/test/resources/imap_tls.py").toAbsolutePath();
    return run(
        "python3",
        script.toString(),
        mode,
        "127.0.0.1",
        String.valueOf(port),
        cafile.toString(),
        bobMail,
        bobPassword);
  }

  static String run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(out).isZero();
    return out;
  }

  /** The certificate an implicit-TLS listener presents. */
  static X509Certificate served(String host, int port) throws Exception {
    Recording trust = new Recording(identity.certificate()).trustingAnything();
    try (SSLSocket socket =
        (SSLSocket) trust.context().getSocketFactory().createSocket(host, port)) {
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  static Optional<String> nonLoopbackAddress() throws IOException {
    return NetworkInterface.networkInterfaces()
        .filter(
            nic -> {
              try {
                return nic.isUp() && !nic.isLoopback();
              } catch (IOException e) {
                return false;
              }
            })
        .flatMap(NetworkInterface::inetAddresses)
        .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
        .map(InetAddress::getHostAddress)
        .findFirst();
  }

  /** A client trust store holding one certificate, recording what the server presented. */
  static final class Recording implements X509TrustManager {
    private final X509TrustManager delegate;
    private final AtomicReference<X509Certificate> seen = new AtomicReference<>();
    private boolean anything;

    Recording(X509Certificate trusted) throws Exception {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("bridge", trusted);
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      this.delegate = (X509TrustManager) factory.getTrustManagers()[0];
    }

    Recording trustingAnything() {
      anything = true;
      return this;
    }

    SSLContext context() throws Exception {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {this}, null);
      return context;
    }

    X509Certificate seen() {
      return seen.get();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      seen.set(chain[0]);
      if (!anything) {
        delegate.checkServerTrusted(chain, authType);
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("a client trust manager");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }
  }

  /** IMAP by hand, for what clients will not do: commands before STARTTLS, then the upgrade. */
  static final class RawImap implements AutoCloseable {
    private Socket socket;
    private BufferedReader in;
    private OutputStream out;

    RawImap(Socket socket) throws IOException {
      socket.setSoTimeout(10_000);
      attach(socket);
      assertThat(in.readLine()).startsWith("* OK");
    }

    private void attach(Socket socket) throws IOException {
      this.socket = socket;
      this.in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      this.out = socket.getOutputStream();
    }

    /** Sends a tagged command; returns the lines up to and including its tagged response. */
    List<String> command(String line) throws IOException {
      String tag = line.substring(0, line.indexOf(' '));
      out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      List<String> lines = new ArrayList<>();
      for (String reply = in.readLine(); reply != null; reply = in.readLine()) {
        lines.add(reply);
        if (reply.startsWith(tag + " ")) {
          return lines;
        }
      }
      throw new IOException("connection closed after " + lines);
    }

    void startTls(SSLContext context, String host) throws IOException {
      SSLSocket tls =
          (SSLSocket) context.getSocketFactory().createSocket(socket, host, socket.getPort(), true);
      tls.startHandshake();
      attach(tls);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
