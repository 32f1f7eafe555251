package dev.consulmesh.transport.server;

import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.wire.PatternRoute;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Handlers as Spring developers write them, served by the server pipeline on an embedded channel: the
 * payload bound by the application's mapper and checked with {@code @Valid}, the context parameter,
 * object patterns by fields, and the signatures refused at registration.
 */
class HandlerMethodsTest {

    /** The application's mapper: snake_case names show the payload is bound with it, not a default one. */
    private final ObjectMapper mapper = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();
    private final PacketCodec codec = new PacketCodec(mapper);
    private final HandlerRegistry registry = new HandlerRegistry(new PatternRoute(mapper));
    private EmbeddedChannel channel;

    @AfterEach
    void closeChannel() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    record Page(@NotNull @Min(1) @Max(100) Integer limit, @NotBlank String source, Long beforeId) {
    }

    static final class PageHandlers {
        final List<MessageContext> contexts = new ArrayList<>();

        @MessagePattern("page")
        String page(@Valid Page page) {
            return page.source() + ":" + page.limit() + ":" + page.beforeId();
        }

        @MessagePattern("unchecked")
        String unchecked(Page page) {
            return "limit " + page.limit();
        }

        @MessagePattern("contextAfter")
        String contextAfter(Page page, MessageContext context) {
            contexts.add(context);
            return page.source() + " via " + context.route();
        }

        @MessagePattern("contextFirst")
        String contextFirst(MessageContext context, JsonNode data) {
            contexts.add(context);
            return data.toString();
        }

        @MessagePattern(fields = {@PatternField(name = "role", value = "item"), @PatternField(name = "cmd", value = "create")})
        String contextOnly(MessageContext context) {
            contexts.add(context);
            return context.pattern().toString();
        }

        @MessagePattern(fields = @PatternField(name = "cmd", value = "sum"))
        int sum(List<Integer> numbers) {
            return numbers.stream().mapToInt(Integer::intValue).sum();
        }

        @MessagePattern("nothing")
        String nothing() {
            return "none taken";
        }
    }

    @Test
    void bindsThePayloadWithTheApplicationsMapper() {
        serve(new PageHandlers());

        assertThat(answer("{\"pattern\":\"page\",\"data\":{\"limit\":20,\"source\":\"rss\",\"before_id\":7},\"id\":\"a\"}"))
                .isEqualTo(frame("{\"response\":\"rss:20:7\",\"isDisposed\":true,\"id\":\"a\"}"));
    }

    @Test
    void answersAnInvalidPayloadAsNestsValidationPipeWithAnRpcException() {
        serve(new PageHandlers());

        assertThat(answer("{\"pattern\":\"page\",\"data\":{\"limit\":500,\"source\":\"rss\"},\"id\":\"a\"}"))
                .isEqualTo(frame("{\"err\":{\"status\":\"error\",\"message\":[\"limit must be less than or equal to 100\"]},"
                        + "\"isDisposed\":true,\"id\":\"a\"}"));
    }

    @Test
    void namesEveryInvalidFieldInTheSameOrderEachTime() {
        serve(new PageHandlers());

        assertThat(answer("{\"pattern\":\"page\",\"data\":{\"limit\":0,\"source\":\" \"},\"id\":7}"))
                .isEqualTo(frame("{\"err\":{\"status\":\"error\",\"message\":[\"limit must be greater than or equal to 1\","
                        + "\"source must not be blank\"]},\"isDisposed\":true,\"id\":7}"));
    }

    @Test
    void checksAMissingPayloadAsAnEmptyObjectAsNestDoes() {
        serve(new PageHandlers());

        assertThat(answer("{\"pattern\":\"page\",\"id\":\"a\"}"))
                .isEqualTo(frame("{\"err\":{\"status\":\"error\",\"message\":[\"limit must not be null\","
                        + "\"source must not be blank\"]},\"isDisposed\":true,\"id\":\"a\"}"));
    }

    @Test
    void leavesAPayloadWithoutValidUnchecked() {
        serve(new PageHandlers());

        assertThat(answer("{\"pattern\":\"unchecked\",\"data\":{\"limit\":500},\"id\":\"a\"}"))
                .isEqualTo(frame("{\"response\":\"limit 500\",\"isDisposed\":true,\"id\":\"a\"}"));
    }

    @Test
    void givesTheContextBesideThePayloadInEitherOrderOrAlone() {
        PageHandlers handlers = new PageHandlers();
        serve(handlers);

        assertThat(answer("{\"pattern\":\"contextAfter\",\"data\":{\"source\":\"rss\"},\"id\":\"a\"}"))
                .isEqualTo(frame("{\"response\":\"rss via contextAfter\",\"isDisposed\":true,\"id\":\"a\"}"));
        assertThat(answer("{\"pattern\":\"contextFirst\",\"data\":[1,2],\"id\":\"b\"}"))
                .isEqualTo(frame("{\"response\":\"[1,2]\",\"isDisposed\":true,\"id\":\"b\"}"));
        assertThat(answer("{\"pattern\":{\"role\":\"item\",\"cmd\":\"create\"},\"data\":null,\"id\":\"c\"}"))
                .isEqualTo(frame("{\"response\":\"{\\\"role\\\":\\\"item\\\",\\\"cmd\\\":\\\"create\\\"}\",\"isDisposed\":true,\"id\":\"c\"}"));
        assertThat(answer("{\"pattern\":\"nothing\",\"data\":{\"x\":1},\"id\":\"d\"}"))
                .isEqualTo(frame("{\"response\":\"none taken\",\"isDisposed\":true,\"id\":\"d\"}"));

        MessageContext object = handlers.contexts.get(2);
        assertThat(object.pattern().toString()).as("as received, in the sender's key order")
                .isEqualTo("{\"role\":\"item\",\"cmd\":\"create\"}");
        assertThat(object.route()).isEqualTo("{\"cmd\":\"create\",\"role\":\"item\"}");
        assertThat(handlers.contexts).extracting(MessageContext::remoteAddress).containsOnly(channel.remoteAddress());
    }

    @Test
    void routesAPatternDeclaredByFieldsAsItsJsonTextAndAsNestRoutesTheObject() {
        HandlerRegistry byText = new HandlerRegistry(new PatternRoute(mapper));
        AnnotatedHandlers.register(byText, new SumByText(), mapper);
        serve(new PageHandlers());

        // Nest routes { cmd: 'sum' } as {"cmd":"sum"}, and { role: 'item', cmd: 'create' } with its keys sorted.
        assertThat(registry.requestHandler("{\"cmd\":\"sum\"}")).isPresent();
        assertThat(registry.requestHandler("{\"cmd\":\"create\",\"role\":\"item\"}")).isPresent();
        assertThat(answer("{\"pattern\":{\"cmd\":\"sum\"},\"data\":[1,2,3],\"id\":\"s\"}"))
                .isEqualTo(frame("{\"response\":6,\"isDisposed\":true,\"id\":\"s\"}"));
        assertThatThrownBy(() -> AnnotatedHandlers.register(byText, new PageHandlers(), mapper))
                .as("the fields form and the JSON text form are one pattern")
                .hasMessageContaining("two handlers for message pattern {\"cmd\":\"sum\"}");
    }

    static final class SumByText {
        @MessagePattern("{\"cmd\":\"sum\"}")
        int sum(List<Integer> numbers) {
            return 0;
        }
    }

    static final class TwoPayloads {
        @MessagePattern("x")
        void handle(String a, int b) {
        }
    }

    static final class TwoContexts {
        @EventPattern("x")
        void handle(MessageContext a, MessageContext b) {
        }
    }

    static final class ValueAndFields {
        @MessagePattern(value = "sum", fields = @PatternField(name = "cmd", value = "sum"))
        void handle() {
        }
    }

    static final class NoPattern {
        @EventPattern
        void handle() {
        }
    }

    static final class FieldTwice {
        @MessagePattern(fields = {@PatternField(name = "cmd", value = "a"), @PatternField(name = "cmd", value = "b")})
        void handle() {
        }
    }

    @Test
    void refusesAtRegistrationWhatAHandlerCannotTakeNamingTheMethod() {
        assertThatThrownBy(() -> AnnotatedHandlers.register(registry, new TwoPayloads(), mapper))
                .hasMessage("handler " + TwoPayloads.class.getName() + "#handle(String, int) takes two payload parameters:"
                        + " a handler may take the payload (one parameter of any type, @Valid to validate it)"
                        + " and a MessageContext, each at most once, in any order, or neither");
        assertThatThrownBy(() -> AnnotatedHandlers.register(registry, new TwoContexts(), mapper))
                .hasMessageStartingWith("handler " + TwoContexts.class.getName()
                        + "#handle(MessageContext, MessageContext) takes two MessageContext parameters:");
        assertThatThrownBy(() -> AnnotatedHandlers.register(registry, new ValueAndFields(), mapper))
                .hasMessage("@MessagePattern on " + ValueAndFields.class.getName()
                        + "#handle declares both a value (\"sum\") and fields: keep one of them");
        assertThatThrownBy(() -> AnnotatedHandlers.register(registry, new NoPattern(), mapper))
                .hasMessageStartingWith("@EventPattern on " + NoPattern.class.getName() + "#handle declares no pattern");
        assertThatThrownBy(() -> AnnotatedHandlers.register(registry, new FieldTwice(), mapper))
                .hasMessage("@MessagePattern on " + FieldTwice.class.getName() + "#handle declares the field \"cmd\" twice");
    }

    private void serve(Object handlers) {
        AnnotatedHandlers.register(registry, handlers, mapper);
        channel = new EmbeddedServerConnection(new TcpServerProperties(), registry, codec).channel;
    }

    /** The bytes the server answers to one request, as text. */
    private String answer(String request) {
        channel.writeInbound(Unpooled.copiedBuffer(frame(request), StandardCharsets.UTF_8));
        channel.runPendingTasks();
        StringBuilder answered = new StringBuilder();
        for (ByteBuf out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
            answered.append(out.toString(StandardCharsets.UTF_8));
            out.release();
        }
        return answered.toString();
    }

    private static String frame(String json) {
        return json.length() + "#" + json;
    }
}
