package dev.consulmesh.consul.internal;

import dev.consulmesh.consul.ConsulHttpException;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.cloud.consul.ConsulAutoConfiguration;
import org.springframework.cloud.consul.ConsulClient;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.support.RestClientAdapter;
import org.springframework.web.service.invoker.HttpServiceProxyFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Builds Spring Cloud Consul's own {@link ConsulClient} (an HTTP interface on Spring's RestClient) for
 * the mesh: every answer other than 2xx becomes a {@link ConsulHttpException} carrying Consul's status
 * and text (Spring Cloud's default client lets a 4xx pass as an empty answer, which would read as "no
 * instances" when Consul refused the token), and reads time out after the given time. Not part of the
 * library's API.
 */
public final class ConsulClients {

    private ConsulClients() {
    }

    /**
     * @param baseUrl     scheme://host:port[/path] of the agent
     * @param settings    the HTTP client settings (TLS bundle) Spring Cloud Consul built from its properties
     * @param readTimeout how long one call may wait for its answer (a blocking query's wait and more)
     */
    public static ConsulClient create(String baseUrl, HttpClientSettings settings, Duration readTimeout) {
        return ConsulAutoConfiguration.createNewConsulClient(RestClientAdapter.create(restClient(baseUrl, settings, readTimeout)));
    }

    /** The mesh's own health query (with weights and a datacenter), on a RestClient built as {@link #create}'s. */
    public static ConsulHealthApi healthApi(String baseUrl, HttpClientSettings settings, Duration readTimeout) {
        return HttpServiceProxyFactory.builderFor(RestClientAdapter.create(restClient(baseUrl, settings, readTimeout)))
                .build().createClient(ConsulHealthApi.class);
    }

    private static RestClient restClient(String baseUrl, HttpClientSettings settings, Duration readTimeout) {
        HttpClientSettings timed = (settings == null ? HttpClientSettings.defaults() : settings)
                .withConnectTimeout(Duration.ofSeconds(2))
                .withReadTimeout(readTimeout);
        return RestClient.builder()
                .baseUrl(baseUrl)
                .requestFactory(ClientHttpRequestFactoryBuilder.jdk().build(timed))
                .defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {
                    throw new ConsulHttpException(request.getMethod() + " " + request.getURI().getPath(),
                            response.getStatusCode().value(),
                            new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8));
                })
                .build();
    }
}
