package dev.consulmesh.gateway.news;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.springframework.web.reactive.function.server.RequestPredicates.path;

/**
 * {@code /fetchLatestNews} as a functional route: WebFlux dispatches it without the annotated
 * controller's argument resolution and return-value handling, which were a third of the gateway's CPU at
 * saturation (bench/CHANGES.md). Errors still go to {@link GatewayErrors}, as the annotated controller's did.
 */
@Configuration(proxyBeanMethods = false)
public class NewsRoute {

    @Bean
    RouterFunction<ServerResponse> fetchLatestNewsRoute(NewsController news) {
        // Every method on the path: the handler answers GET and HEAD, OPTIONS, and 405 to the others, as the
        // annotated mapping did (a route for GET alone would leave the others a 404).
        return RouterFunctions.route(path("/fetchLatestNews"), news::fetchLatestNews);
    }
}
