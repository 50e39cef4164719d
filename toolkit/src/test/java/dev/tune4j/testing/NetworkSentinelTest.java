package dev.tune4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sentinel must really sit in the URL-connection path, or "no network attempt" would prove nothing. */
class NetworkSentinelTest {

    @Test
    void urlConnectionsConsultTheInstalledSentinel() throws IOException {
        URI closedPort = URI.create("http://127.0.0.1:1/probe");
        HttpURLConnection connection = (HttpURLConnection) closedPort.toURL().openConnection();
        connection.setConnectTimeout(2_000);
        assertThrows(IOException.class, connection::connect); // nothing listens on port 1
        assertTrue(
                NetworkSentinel.loopbackAttempts().contains(closedPort),
                "HttpURLConnection did not consult the sentinel: " + NetworkSentinel.loopbackAttempts());
    }

    @Test
    void refusesAndRecordsRemoteHostsButLetsLoopbackThrough() {
        var watcher = new NetworkSentinel.Watcher();
        URI remote = URI.create("https://download.invalid/libtorch.zip");
        assertThrows(UncheckedIOException.class, () -> watcher.select(remote));
        assertEquals(List.of(remote), watcher.blocked);

        assertEquals(List.of(Proxy.NO_PROXY), watcher.select(URI.create("http://localhost:8080/")));
        assertEquals(List.of(Proxy.NO_PROXY), watcher.select(URI.create("http://[::1]:8080/")));
        assertEquals(2, watcher.loopback.size());
        assertEquals(List.of(remote), watcher.blocked);
    }
}
