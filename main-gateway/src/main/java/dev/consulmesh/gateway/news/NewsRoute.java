package dev.consulmesh.gateway.news;

import dev.consulmesh.gateway.trust.ClientTrust;
import dev.consulmesh.observation.DirectTimers;
import dev.consulmesh.observation.MeshInstrumentation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import java.time.Clock;

import static org.springframework.web.reactive.function.server.RequestPredicates.path;

/**
 * {@code /fetchLatestNews}: as a functional route of WebFlux, which dispatches it without the annotated
 * controller's argument resolution and return-value handling (a third of the gateway's CPU at saturation,
 * bench/CHANGES.md), errors going to {@link GatewayErrors}; and, for its plain requests, answered by the
 * HTTP server below WebFlux ({@link DirectNewsRoute}).
 */
@Configuration(proxyBeanMethods = false)
public class NewsRoute {

    private static final Logger log = LoggerFactory.getLogger(NewsRoute.class);
    /** Spring Boot's name of the HTTP server's request observation, and so of its timer. */
    static final String SERVER_REQUESTS_NAME = "management.observations.http.server.requests.name";

    @Bean
    ApplicationPort newsApplicationPort(Environment environment) {
        return new ApplicationPort(environment);
    }

    @Bean
    RouterFunction<ServerResponse> fetchLatestNewsRoute(NewsController news, ApplicationPort applicationPort) {
        // Every method on the path: the handler answers GET and HEAD, OPTIONS, and 405 to the others, as the
        // annotated mapping did (a route for GET alone would leave the others a 404). On the application's port
        // only: the management server's WebFlux takes this context's router functions too.
        return RouterFunctions.route(path(DirectNewsRoute.PATH)
                .and(request -> request.localAddress().map(applicationPort::isPortOf).orElse(false)), news::fetchLatestNews);
    }

    @Bean
    NettyRouteProvider directNewsRoute(LatestNews news, GatewayNewsProperties properties, Clock clock, ClientTrust trust,
                                       GatewayErrors errors, ServerCodecConfigurer codecs,
                                       MeshInstrumentation instrumentation, Environment environment,
                                       ApplicationPort applicationPort) {
        if (!properties.isDirectRoute()) {
            log.info("GET {} is served through WebFlux: gateway.news.direct-route is false", DirectNewsRoute.PATH);
            return routes -> routes;
        }
        String name = environment.getProperty(SERVER_REQUESTS_NAME, "http.server.requests");
        DirectTimers timers = instrumentation.timers(name, ServedRequests.KEYS);
        ServedRequests requests = timers != null ? ServedRequests.timed(timers)
                : ServedRequests.observed(instrumentation.registry(), name);
        log.info("plain GET {} requests are answered below WebFlux's dispatch (gateway.news.direct-route), {}", DirectNewsRoute.PATH,
                timers != null ? "timed without observations as the mesh's calls are" : "observed (traced) as WebFlux observes its requests");
        DirectNewsRoute route = new DirectNewsRoute(news, properties, clock, trust, errors, codecs, requests, applicationPort);
        return route::addTo;
    }
}
