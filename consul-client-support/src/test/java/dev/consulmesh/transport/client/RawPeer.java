package dev.consulmesh.transport.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted peer on a plain {@link ServerSocket} on 127.0.0.1, standing in for a NestJS server without
 * any of the code under test: it reads frames (the prefix counts UTF-16 code units, which is what a
 * {@link java.io.Reader} reads), records them, and writes whatever bytes the script answers.
 */
final class RawPeer implements AutoCloseable {

    /** What to write back for a frame read on a connection; an empty array writes nothing, null closes it. */
    interface Script {
        byte[] answer(int connection, String frame) throws IOException;
    }

    private final ServerSocket server;
    private final Script script;
    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final Thread acceptor;

    RawPeer(Script script) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.script = script;
        this.acceptor = new Thread(this::accept, "raw-peer-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    int connections() {
        return connections.get();
    }

    /** The next frame the peer read, as {@code <length>#<json>}. */
    String nextFrame() throws InterruptedException {
        String frame = frames.poll(10, TimeUnit.SECONDS);
        if (frame == null) {
            throw new AssertionError("the peer read no frame within 10 s");
        }
        return frame;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                sockets.add(socket);
                int number = connections.incrementAndGet();
                Thread reader = new Thread(() -> serve(number, socket), "raw-peer-" + number);
                reader.setDaemon(true);
                reader.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(int connection, Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = socket.getOutputStream();
            while (true) {
                String frame = readFrame(in);
                if (frame == null) {
                    return;
                }
                frames.add(frame);
                byte[] answer = script.answer(connection, frame);
                if (answer == null) {
                    return;
                }
                // Small writes, so the client sees answers split across reads.
                for (int at = 0; at < answer.length; at += 7) {
                    out.write(answer, at, Math.min(7, answer.length - at));
                    out.flush();
                }
            }
        } catch (IOException closed) {
            // the client or the test closed the connection
        }
    }

    private static String readFrame(BufferedReader in) throws IOException {
        StringBuilder prefix = new StringBuilder();
        for (int c = in.read(); c != '#'; c = in.read()) {
            if (c < 0) {
                return null;
            }
            prefix.append((char) c);
        }
        char[] json = new char[Integer.parseInt(prefix.toString())];
        int read = 0;
        while (read < json.length) {
            int n = in.read(json, read, json.length - read);
            if (n < 0) {
                return null;
            }
            read += n;
        }
        return prefix + "#" + new String(json);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
