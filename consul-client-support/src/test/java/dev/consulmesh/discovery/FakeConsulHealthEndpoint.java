package dev.consulmesh.discovery;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for a Consul agent's {@code /v1/health/service/<name>} on a raw loopback socket, answering
 * what the test sets: a valid health list (Consul's JSON shape, with {@code X-Consul-Index}, holding a
 * blocking query whose index is current as Consul does), or one of the bad answers a broken agent or a
 * proxy in front of it gives. Every request is recorded with the answer it got. One connection per
 * request ({@code Connection: close}), so that a body cut short ends with the connection.
 */
final class FakeConsulHealthEndpoint implements AutoCloseable {

    /** The answers the endpoint can give. */
    enum Answer {
        /** 200 with the current health list. */
        HEALTH_LIST,
        /** 200 with the current health list but no {@code X-Consul-Index} (a proxy dropped it). */
        HEALTH_LIST_WITHOUT_INDEX,
        /** 200, {@code application/json}, and a body that is not JSON. */
        GARBAGE,
        /** 500 with Consul's text for a cluster without a leader. */
        SERVER_ERROR,
        /** 200 declaring a longer Content-Length than it sends, then the connection closes. */
        CLOSED_MID_BODY
    }

    /** One request: when it came, and the answer it got. */
    record Request(long atNanos, Answer answer) {
    }

    private static final Pattern INDEX = Pattern.compile("[?&]index=(\\d+)");

    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Object changes = new Object();
    private volatile Answer answer = Answer.HEALTH_LIST;
    private volatile String healthList = "[]";
    private volatile long index = 1;

    FakeConsulHealthEndpoint() throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        acceptor = new Thread(this::accept, "fake-consul-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** From now on, answers (and the blocking query held now returns with) the given answer. */
    void answer(Answer next) {
        synchronized (changes) {
            answer = next;
            changes.notifyAll();
        }
    }

    /** From now on, answers the health list of these passing instances of the service, at a new index. */
    void healthList(String service, String... instanceIds) {
        synchronized (changes) {
            List<String> entries = new ArrayList<>();
            int port = 4001;
            for (String id : instanceIds) {
                entries.add(entry(service, id, port++));
            }
            healthList = "[" + String.join(",", entries) + "]";
            index++;
            answer = Answer.HEALTH_LIST;
            changes.notifyAll();
        }
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    /** How many requests came in the last {@code window}. */
    long requestsWithin(Duration window) {
        long since = System.nanoTime() - window.toNanos();
        return requests.stream().filter(request -> request.atNanos() >= since).count();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                open.add(socket);
                Thread handler = new Thread(() -> serve(socket), "fake-consul-request");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            String requestLine = in.readLine();
            if (requestLine == null) {
                return;
            }
            for (String header = in.readLine(); header != null && !header.isEmpty(); header = in.readLine()) {
                // a GET's headers; no body follows
            }
            Answer given = awaitChange(requestLine);
            requests.add(new Request(System.nanoTime(), given));
            write(socket.getOutputStream(), given);
        } catch (IOException | InterruptedException e) {
            // the watcher closed, or the test ends
        } finally {
            open.remove(socket);
        }
    }

    /** Holds a blocking query whose index is current, as Consul does, until the answer changes (at most 5 s). */
    private Answer awaitChange(String requestLine) throws InterruptedException {
        Matcher asked = INDEX.matcher(requestLine);
        long askedIndex = asked.find() ? Long.parseLong(asked.group(1)) : 0;
        synchronized (changes) {
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (answer == Answer.HEALTH_LIST && askedIndex == index && System.nanoTime() < deadline) {
                changes.wait(50);
            }
            return answer;
        }
    }

    private void write(OutputStream out, Answer given) throws IOException {
        switch (given) {
            case HEALTH_LIST -> out.write(response("200 OK", "application/json", index, healthList, 0));
            case HEALTH_LIST_WITHOUT_INDEX -> out.write(response("200 OK", "application/json", -1, healthList, 0));
            case GARBAGE -> out.write(response("200 OK", "application/json", index,
                    "<html><body>502 Bad Gateway</body></html>", 0));
            case SERVER_ERROR -> out.write(response("500 Internal Server Error", "text/plain; charset=utf-8", -1,
                    "rpc error making call: No cluster leader", 0));
            case CLOSED_MID_BODY -> {
                String body = healthList.length() > 10 ? healthList : entry("cut", "cut-1", 4000);
                byte[] whole = response("200 OK", "application/json", index, body, 4096);
                out.write(whole, 0, whole.length - body.length() / 2); // half the body, then close
            }
        }
        out.flush();
    }

    private static byte[] response(String status, String contentType, long index, String body, int declaredLength) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + "\r\n"
                + "Content-Type: " + contentType + "\r\n"
                + (index < 0 ? "" : "X-Consul-Index: " + index + "\r\nX-Consul-Knownleader: true\r\nX-Consul-Lastcontact: 0\r\n")
                + "X-Consul-Default-Acl-Policy: allow\r\n"
                + "Content-Length: " + Math.max(bytes.length, declaredLength) + "\r\n"
                + "Connection: close\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[headBytes.length + bytes.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(bytes, 0, all, headBytes.length, bytes.length);
        return all;
    }

    /** One entry of Consul's answer to {@code /v1/health/service/<name>}: node, service, and its checks. */
    private static String entry(String service, String id, int port) {
        return """
                {"Node":{"ID":"0e5b8b6c-7d3f-4b6e-9d7a-2f3c1a9e8b41","Node":"fake-agent","Address":"127.0.0.1",
                  "Datacenter":"dc1","TaggedAddresses":{"lan":"127.0.0.1","wan":"127.0.0.1"},
                  "Meta":{"consul-network-segment":""},"CreateIndex":13,"ModifyIndex":14},
                 "Service":{"ID":"%2$s","Service":"%1$s","Tags":[],"Address":"127.0.0.1",
                  "TaggedAddresses":{"lan_ipv4":{"Address":"127.0.0.1","Port":%3$d}},
                  "Meta":{},"Port":%3$d,"Weights":{"Passing":1,"Warning":1},"EnableTagOverride":false,
                  "Proxy":{"Mode":"","MeshGateway":{},"Expose":{}},"Connect":{},"PeerName":"",
                  "CreateIndex":20,"ModifyIndex":20},
                 "Checks":[
                  {"Node":"fake-agent","CheckID":"serfHealth","Name":"Serf Health Status","Status":"passing",
                   "Notes":"","Output":"Agent alive and reachable","ServiceID":"","ServiceName":"","ServiceTags":[],
                   "Type":"","Interval":"","Timeout":"","ExposedPort":0,"Definition":{},"CreateIndex":13,"ModifyIndex":13},
                  {"Node":"fake-agent","CheckID":"service:%2$s","Name":"Service '%1$s' check","Status":"passing",
                   "Notes":"","Output":"TCP connect 127.0.0.1:%3$d: Success","ServiceID":"%2$s","ServiceName":"%1$s",
                   "ServiceTags":[],"Type":"tcp","Interval":"500ms","Timeout":"1s","ExposedPort":0,"Definition":{},
                   "CreateIndex":20,"ModifyIndex":21}]}""".formatted(service, id, port);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : open) {
            socket.close();
        }
        synchronized (changes) {
            changes.notifyAll();
        }
    }
}
