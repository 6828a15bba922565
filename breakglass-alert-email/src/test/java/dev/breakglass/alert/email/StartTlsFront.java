package dev.breakglass.alert.email;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The STARTTLS half of an SMTP server, in front of GreenMail (which does not implement STARTTLS):
 * it greets, answers EHLO offering STARTTLS, refuses every other command in clear text, upgrades the
 * connection to TLS with a test certificate, and then relays the encrypted session's plain content
 * to GreenMail's SMTP port byte for byte. Everything after STARTTLS, including AUTH and the message,
 * is therefore handled by the real GreenMail server, and travels only inside TLS.
 */
final class StartTlsFront implements AutoCloseable {
  static final String KEYSTORE_PASSWORD = "test-keystore";

  private final ServerSocket server;
  private final SSLContext tls;
  private final int backendPort;
  private final AtomicInteger handshakes = new AtomicInteger();
  private final List<String> clearTextCommands = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  StartTlsFront(String keystoreResource, int backendPort) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = StartTlsFront.class.getResourceAsStream("/" + keystoreResource)) {
      ks.load(in, KEYSTORE_PASSWORD.toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, KEYSTORE_PASSWORD.toCharArray());
    tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);
    this.backendPort = backendPort;
    server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread t = new Thread(this::acceptLoop, "starttls-front");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Completed TLS handshakes. */
  int handshakes() {
    return handshakes.get();
  }

  /** Commands the client sent before TLS. */
  List<String> clearTextCommands() {
    return List.copyOf(clearTextCommands);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        sockets.add(client);
        Thread t = new Thread(() -> serve(client), "starttls-front-connection");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try {
      InputStream in = client.getInputStream();
      OutputStream out = client.getOutputStream();
      write(out, "220 localhost ESMTP test front\r\n");
      while (true) {
        String line = readLine(in);
        if (line == null) {
          client.close();
          return;
        }
        clearTextCommands.add(line);
        String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
        if (verb.equals("EHLO")) {
          write(out, "250-localhost\r\n250-8BITMIME\r\n250 STARTTLS\r\n");
        } else if (verb.equals("STARTTLS")) {
          write(out, "220 2.0.0 Ready to start TLS\r\n");
          break;
        } else if (verb.equals("QUIT")) {
          write(out, "221 2.0.0 Bye\r\n");
          client.close();
          return;
        } else {
          write(out, "530 5.7.0 Must issue a STARTTLS command first\r\n");
        }
      }
      SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(client, "localhost", client.getPort(), true);
      secure.setUseClientMode(false);
      secure.startHandshake();
      handshakes.incrementAndGet();
      Socket backend = new Socket(InetAddress.getLoopbackAddress(), backendPort);
      sockets.add(backend);
      // the client already had a greeting; GreenMail's own is dropped
      readLine(backend.getInputStream());
      pump(secure.getInputStream(), backend.getOutputStream(), backend);
      pump(backend.getInputStream(), secure.getOutputStream(), secure);
    } catch (IOException e) {
      try {
        client.close();
      } catch (IOException ignored) {
        // already gone
      }
    }
  }

  private static void pump(InputStream from, OutputStream to, Socket closeWhenDone) {
    Thread t = new Thread(() -> {
      try {
        from.transferTo(to);
      } catch (IOException ignored) {
        // one side closed
      } finally {
        try {
          closeWhenDone.close();
        } catch (IOException ignored) {
          // already closed
        }
      }
    }, "starttls-front-pump");
    t.setDaemon(true);
    t.start();
  }

  /** Reads one CRLF-terminated line byte by byte, so that nothing after it is consumed. */
  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        String s = buf.toString(StandardCharsets.US_ASCII);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      buf.write(c);
    }
    return null;
  }

  private static void write(OutputStream out, String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
