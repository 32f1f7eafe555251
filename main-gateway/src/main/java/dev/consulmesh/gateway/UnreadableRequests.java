package dev.consulmesh.gateway;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A request whose target is not a valid URI (a stray {@code %}, {@code %ZZ}, unescaped characters) never
 * reaches a controller: Spring answers it 400 with an empty body. This answers it with the gateway's
 * JSON error instead, like every other bad request.
 */
@Configuration(proxyBeanMethods = false)
public class UnreadableRequests {

    static final String BODY = "{\"status\":400,\"error\":\"Bad Request\",\"message\":"
            + "\"the request target is not a valid URI: percent-encode reserved characters and use %XX with two hex digits\"}";

    @Bean
    NettyServerCustomizer unreadableRequestsAsJson() {
        return server -> server.mapHandle((handled, connection) -> handled.then(Mono.defer(() -> answerIfUnanswered(connection))));
    }

    private static Mono<Void> answerIfUnanswered(Connection connection) {
        if (connection instanceof HttpServerResponse response && !response.hasSentHeaders()
                && response.status().code() == 400) {
            return response.header("Content-Type", "application/json").sendString(Mono.just(BODY)).then();
        }
        return Mono.empty();
    }
}
