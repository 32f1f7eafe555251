package dev.consulmesh.client.declarative;

import dev.consulmesh.client.MeshClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;

/**
 * Turns a call of a {@link MeshService} interface's method into the {@link MeshClient} call its
 * {@link ExchangeMethod} describes, and the answer into the method's return shape.
 */
final class MeshServiceInvocationHandler implements InvocationHandler {

    private static final Logger log = LoggerFactory.getLogger(MeshServiceInvocationHandler.class);

    private final ServiceInterface service;
    private final MeshClient mesh;

    MeshServiceInvocationHandler(ServiceInterface service, MeshClient mesh) {
        this.service = service;
        this.mesh = mesh;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return objectMethod(proxy, method, args);
        }
        ExchangeMethod exchange = service.exchange(method);
        if (exchange == null) {
            return InvocationHandler.invokeDefault(proxy, method, args);
        }
        Object data = args == null || args.length == 0 ? null : args[0];
        if (exchange.kind() == ExchangeMethod.Kind.EVENT) {
            return event(exchange, data);
        }
        return switch (exchange.result()) {
            case FLUX -> mesh.stream(service.service(), exchange.pattern(), data, exchange.answer());
            case MONO -> answer(exchange, data);
            case FUTURE -> answer(exchange, data).toFuture();
            case NONE -> throw new IllegalStateException(ExchangeMethod.describe(method)
                    + " is a void request method, which ExchangeMethod.of refuses at start-up");
        };
    }

    /**
     * A {@code Mono<Void>} event is sent when subscribed; a {@code void} one at once, as Nest's {@code emit}
     * sends: its caller has nothing to subscribe to, so a failure to send it can only be logged.
     */
    private Mono<Void> event(ExchangeMethod exchange, Object data) {
        Mono<Void> sent = mesh.emit(service.service(), exchange.pattern(), data).then();
        if (exchange.result() != ExchangeMethod.Result.NONE) {
            return sent;
        }
        sent.subscribe(null, failure -> log.warn("event {} of {} was not sent: {}", exchange.declared(),
                ExchangeMethod.describe(exchange.method()), failure.getMessage()));
        return null;
    }

    private Mono<?> answer(ExchangeMethod exchange, Object data) {
        if (exchange.withNode()) {
            return mesh.sendForAnswer(service.service(), exchange.pattern(), data, exchange.answer());
        }
        if (exchange.ignoresAnswer()) {
            return mesh.send(service.service(), exchange.pattern(), data).then();
        }
        return mesh.send(service.service(), exchange.pattern(), data, exchange.answer());
    }

    private Object objectMethod(Object proxy, Method method, Object[] args) {
        return switch (method.getName()) {
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            case "toString" -> "mesh client " + service.type().getName() + " of service '" + service.service() + "'";
            default -> throw new UnsupportedOperationException(method.toString());
        };
    }
}
