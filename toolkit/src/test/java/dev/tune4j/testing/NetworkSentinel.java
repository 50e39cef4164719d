package dev.tune4j.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Test fixture (written by the project): watches and blocks every URL connection a test JVM tries to open to a host
 * other than loopback. DJL downloads libraries and calls home through {@link java.net.URL} connections, which consult
 * the default {@link ProxySelector} before connecting; this sentinel replaces it before the first test runs
 * (registered as a JUnit {@link LauncherSessionListener} in the toolkit test-jar, so every module that uses the
 * fixtures gets it), records the URI and refuses the connection. Tests assert {@link #blockedAttempts()} is empty
 * after starting the engine. Raw sockets are not seen; nothing in DJL's download path uses them.
 */
public final class NetworkSentinel implements LauncherSessionListener {
    /**
     * Set (to {@code true}) on the command line of the forked test JVMs only, by the surefire argLine in the parent
     * pom. A JUnit launcher session can also open inside Maven's own JVM (seen with the Jazzer fuzz execution); the
     * sentinel must not replace Maven's proxy selector there, or every later artifact download of the build fails.
     */
    public static final String ENABLE_PROPERTY = "tune4j.test.network.sentinel";
    private static final Watcher WATCHER = new Watcher();

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        if (Boolean.getBoolean(ENABLE_PROPERTY)) {
            install();
        }
    }

    /** Whether the sentinel is this JVM's proxy selector. */
    public static boolean installed() {
        return ProxySelector.getDefault() == WATCHER;
    }

    /** Installs the sentinel as the default proxy selector, once per JVM. */
    public static synchronized void install() {
        if (ProxySelector.getDefault() != WATCHER) {
            ProxySelector.setDefault(WATCHER);
        }
    }

    /** URIs of non-loopback connections attempted (and refused) since the JVM started. */
    public static List<URI> blockedAttempts() {
        return List.copyOf(WATCHER.blocked);
    }

    /** URIs of loopback connections seen (and let through) since the JVM started. */
    public static List<URI> loopbackAttempts() {
        return List.copyOf(WATCHER.loopback);
    }

    /** The selector itself; tests of the sentinel make their own instance so they leave the JVM's record clean. */
    static final class Watcher extends ProxySelector {
        final List<URI> blocked = new CopyOnWriteArrayList<>();
        final List<URI> loopback = new CopyOnWriteArrayList<>();

        @Override
        public List<Proxy> select(URI uri) {
            if (isLoopback(uri.getHost())) {
                loopback.add(uri);
                return List.of(Proxy.NO_PROXY);
            }
            blocked.add(uri);
            throw new UncheckedIOException(
                    new IOException("tune4j tests never reach the network; refused connection to " + uri));
        }

        @Override
        public void connectFailed(URI uri, SocketAddress address, IOException failure) {}

        private static boolean isLoopback(String host) {
            if (host == null) {
                return false;
            }
            if (host.equals("localhost")) {
                return true;
            }
            try {
                // literal addresses only: no name lookup goes out
                return host.matches("[0-9.]+|\\[?[0-9a-fA-F:]+]?")
                        && InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
    }
}
