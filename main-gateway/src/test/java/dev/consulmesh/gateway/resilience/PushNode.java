package dev.consulmesh.gateway.resilience;

import dev.consulmesh.testsupport.JavaProcess;
import dev.consulmesh.testsupport.ProjectPaths;

import java.util.ArrayList;
import java.util.List;

/**
 * One push-service JVM of a {@link MeshCluster}, run from its built jar. Its ports stay the same when it
 * is started again, and so does its instance id in Consul. It listens on 127.0.0.1 and registers
 * {@code advertisedHost}, which is 127.0.0.1 too unless a test wants it registered where it cannot be reached.
 */
final class PushNode implements AutoCloseable {

    static final String SERVICE = "push-service";
    static final String LISTEN_HOST = "127.0.0.1";

    private final String name;
    private final int tcpPort;
    private final String advertisedHost;
    private final List<String> args;
    private final Actuator actuator;
    /** The output of the runs before the current one, whose log files are gone. */
    private volatile String earlierRuns = "";
    private volatile JavaProcess process;
    /** False once a test stopped or killed it on purpose, so its exit is no failure of the mesh. */
    private volatile boolean meantToRun;

    private PushNode(String name, int tcpPort, String advertisedHost, List<String> args, Actuator actuator) {
        this.name = name;
        this.tcpPort = tcpPort;
        this.advertisedHost = advertisedHost;
        this.args = args;
        this.actuator = actuator;
    }

    /**
     * Starts the JVM and returns at once; {@link MeshCluster} waits for it to be ready. Consul's TCP check
     * goes to {@code checkHost} at the node's TCP port.
     */
    static PushNode start(String name, int consulHttpPort, int tcpPort, int actuatorPort, String advertisedHost,
                          String checkHost) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.cloud.consul.host=127.0.0.1",
                "--spring.cloud.consul.port=" + consulHttpPort,
                "--server.port=" + actuatorPort,
                "--server.address=127.0.0.1",
                "--push.tcp.port=" + tcpPort,
                "--push.tcp.host=" + LISTEN_HOST,
                "--push.tcp.advertised-host=" + advertisedHost,
                "--mesh.registration.check-interval=1s"));
        if (!checkHost.equals(advertisedHost)) {
            // Consul's TCP check goes elsewhere than the advertised address: where the node listens, for
            // one registered where it cannot be reached, or to a stand-in the test keeps open.
            args.add("--mesh.registration.check-host=" + checkHost);
        }
        PushNode node = new PushNode(name, tcpPort, advertisedHost, List.copyOf(args),
                new Actuator(name + "'s actuator (127.0.0.1:" + actuatorPort + ")", actuatorPort));
        node.launch();
        return node;
    }

    private void launch() {
        process = JavaProcess.start(name, ProjectPaths.serviceJar("push-service"), args);
        meantToRun = true;
    }

    String name() {
        return name;
    }

    /** The id it registers in Consul, the same across restarts: service, advertised host and TCP port. */
    String instanceId() {
        return SERVICE + "-" + advertisedHost + "-" + tcpPort;
    }

    int tcpPort() {
        return tcpPort;
    }

    /** False for a node a test registers at an address where nothing listens. */
    boolean answersWhereRegistered() {
        return LISTEN_HOST.equals(advertisedHost);
    }

    Actuator actuator() {
        return actuator;
    }

    JavaProcess process() {
        return process;
    }

    /** SIGKILL: gone at once, without deregistering or finishing what it was answering. */
    void kill() {
        meantToRun = false;
        process.kill();
    }

    /** SIGTERM, waiting for the graceful shutdown to end; returns the exit code. */
    int terminate() {
        meantToRun = false;
        return process.terminate(60);
    }

    /** Starts it again with the same arguments, so on the same ports, after {@link #kill()} or {@link #terminate()}. */
    void startAgain() {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " still runs: terminate() or kill() it before startAgain()");
        }
        earlierRuns = earlierRuns + process.logText() + "\n----- " + name + " started again -----\n";
        process.close();
        launch();
    }

    /** SIGSTOP: frozen, its sockets still open. */
    void pause() {
        process.pause();
    }

    /** SIGCONT after {@link #pause()}. */
    void resume() {
        process.resume();
    }

    boolean exitedUnexpectedly() {
        return meantToRun && !process.isAlive();
    }

    /** Everything it printed, over all its runs. */
    String logText() {
        return earlierRuns + process.logText();
    }

    @Override
    public void close() {
        process.close();
    }
}
