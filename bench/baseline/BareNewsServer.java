import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The bare one-hop baseline of bench/: Spring WebFlux on Reactor Netty, the gateway's HTTP stack, answering
 * GET /fetchLatestNews with bytes held in memory and no second hop — the ceiling for one HTTP hop here.
 *
 * <pre>java -cp 'libs/*:classes' BareNewsServer HOST PORT BODY_FILE</pre>
 */
public final class BareNewsServer {
  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    byte[] body = Files.readAllBytes(Path.of(args[2]));
    RouterFunction<ServerResponse> routes = RouterFunctions.route()
        .GET("/fetchLatestNews", request -> ServerResponse.ok()
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(body))
        .build();
    DisposableServer server = HttpServer.create()
        .host(host)
        .port(port)
        .handle(new ReactorHttpHandlerAdapter(RouterFunctions.toHttpHandler(routes)))
        .bindNow();
    System.out.println("bare baseline listening on http://" + host + ":" + server.port() + ", " + body.length + " bytes");
    Runtime.getRuntime().addShutdownHook(new Thread(server::disposeNow));
    server.onDispose().block();
  }
}
