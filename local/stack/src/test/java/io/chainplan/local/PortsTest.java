package io.chainplan.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class PortsTest {
    @Test
    void shouldClaimAPortWhoseLastConnectionIsInTimeWait() throws IOException {
        int port;
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            port = listener.getLocalPort();
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
                Socket accepted = listener.accept();
                accepted.close(); // the listening side closes first: its end of the connection stays in TIME_WAIT
                client.getInputStream().read();
            }
        }

        assertThat(Ports.claim(port, "Kafka")).isEqualTo(port);
    }

    @Test
    void shouldRefuseAPortAnotherSocketListensOn() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> Ports.claim(taken.getLocalPort(), "Kafka"))
                    .isInstanceOf(LocalStackException.class)
                    .hasMessageStartingWith("Kafka port " + taken.getLocalPort() + " is already in use by another process");
        }
    }
}
