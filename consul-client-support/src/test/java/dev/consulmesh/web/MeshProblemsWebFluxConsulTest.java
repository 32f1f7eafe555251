package dev.consulmesh.web;

import dev.consulmesh.client.MeshClient;
import dev.consulmesh.client.declarative.EnableMeshClients;
import dev.consulmesh.client.declarative.MeshService;
import dev.consulmesh.client.declarative.MessageExchange;
import dev.consulmesh.testsupport.StartedResources;
import dev.consulmesh.testsupport.TestConsul;
import dev.consulmesh.testsupport.TestNode;
import dev.consulmesh.transport.server.MessagePattern;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.annotation.ResponseStatus;
import dev.consulmesh.client.NoHealthyNodeException;
import reactor.core.publisher.Mono;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A WebFlux controller that calls the mesh and writes no error handler, in front of a real Consul agent
 * and a real node whose handler checks its payload with {@code @Valid}: a payload the node refuses
 * reaches the HTTP client as a 400 problem naming the field, a service without nodes as a 503 problem,
 * neither with an address of the mesh; an application's own handler answers first.
 */
class MeshProblemsWebFluxConsulTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final StartedResources started = new StartedResources();
    private static ConfigurableApplicationContext app;
    private static WebTestClient http;
    private static TestConsul consul;

    public record Reservation(@NotBlank String item, @Min(1) @Max(100) int quantity) {
    }

    public static final class StockHandlers {
        @MessagePattern("reserve")
        public String reserve(@Valid Reservation reservation) {
            return "reserved " + reservation.quantity() + " " + reservation.item();
        }
    }

    @MeshService("stock")
    public interface Stock {
        @MessageExchange("reserve")
        Mono<String> reserve(Reservation reservation);
    }

    @MeshService("gone")
    public interface Gone {
        @MessageExchange("reserve")
        Mono<String> reserve(Reservation reservation);
    }

    @Configuration
    @EnableAutoConfiguration
    @EnableMeshClients(basePackageClasses = MeshProblemsWebFluxConsulTest.class)
    static class ShopApp {
    }

    @RestController
    static class ShopController {
        private final Stock stock;
        private final Gone gone;

        ShopController(Stock stock, Gone gone) {
            this.stock = stock;
            this.gone = gone;
        }

        @GetMapping("/reserve")
        Mono<String> reserve(@RequestParam String item, @RequestParam int quantity) {
            return stock.reserve(new Reservation(item, quantity));
        }

        @GetMapping("/gone")
        Mono<String> gone() {
            return gone.reserve(new Reservation("pen", 1));
        }
    }

    @BeforeAll
    static void start() {
        consul = TestConsul.start();
        started.add(consul);
        started.add(TestNode.start(consul, "stock", new StockHandlers()));
        app = new SpringApplicationBuilder(ShopApp.class).web(WebApplicationType.NONE).properties(
                "spring.application.name=shop",
                "spring.cloud.consul.host=" + consul.host(),
                "spring.cloud.consul.port=" + consul.httpPort()).run();
        ShopController controller = new ShopController(app.getBean(Stock.class), app.getBean(Gone.class));
        MeshClient mesh = app.getBean(MeshClient.class);
        // the client watches its services once their interfaces are built
        await().atMost(WAIT).until(() -> mesh.status().containsKey("stock") && mesh.status().get("stock").usable() == 1);
        http = WebTestClient.bindToController(controller)
                .controllerAdvice(new MeshProblemAdvice(new MeshProblems(false)))
                .configureClient().responseTimeout(Duration.ofSeconds(30)).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        started.close();
    }

    @Test
    void aValidPayloadIsAnswered() {
        http.get().uri("/reserve?item=pen&quantity=2").exchange()
                .expectStatus().isOk().expectBody(String.class).isEqualTo("reserved 2 pen");
    }

    @Test
    void aPayloadTheNodeRefusesIsA400ProblemNamingTheField() {
        http.get().uri("/reserve?item=pen&quantity=500").exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(400)
                .jsonPath("$.title").isEqualTo("Bad Request")
                .jsonPath("$.detail").value(detail -> assertThat((String) detail)
                        .contains("quantity must be less than or equal to 100"))
                .jsonPath("$.fields[0]").isEqualTo("quantity")
                .jsonPath("$.service").doesNotExist()
                .consumeWith(body -> assertThat(new String(body.getResponseBody()))
                        .doesNotContain("127.0.0.1"));
    }

    @Test
    void aServiceWithoutNodesIsA503ProblemNamingTheService() {
        http.get().uri("/gone").exchange()
                .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(503)
                .jsonPath("$.service").isEqualTo("gone")
                .jsonPath("$.detail").isEqualTo("no healthy instance of service 'gone'")
                .consumeWith(body -> assertThat(new String(body.getResponseBody()))
                        .doesNotContain("127.0.0.1", String.valueOf(consul.httpPort())));
    }

    @RestControllerAdvice
    static class ApplicationAdvice {
        @ExceptionHandler(NoHealthyNodeException.class)
        @ResponseStatus(HttpStatus.I_AM_A_TEAPOT)
        String noNode(NoHealthyNodeException e) {
            return "the application's own answer";
        }
    }

    /** In an application its advice is registered before the auto-configuration's, as here (MeshProblemsAutoConfigurationTest). */
    @Test
    void theApplicationsOwnAdviceAnswersFirst() {
        WebTestClient withOwnAdvice = WebTestClient.bindToController(
                        new ShopController(app.getBean(Stock.class), app.getBean(Gone.class)))
                .controllerAdvice(new ApplicationAdvice(), new MeshProblemAdvice(new MeshProblems(false)))
                .configureClient().responseTimeout(Duration.ofSeconds(30)).build();

        withOwnAdvice.get().uri("/gone").exchange()
                .expectStatus().isEqualTo(HttpStatus.I_AM_A_TEAPOT)
                .expectBody(String.class).isEqualTo("the application's own answer");
    }
}
