package dev.consulmesh.client.declarative;

import dev.consulmesh.client.MeshClient;
import reactor.core.publisher.Mono;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;

/**
 * Turns a call of a {@link MeshService} interface's method into the {@link MeshClient} call its
 * {@link ExchangeMethod} describes, and the answer into the method's return shape.
 */
final class MeshServiceInvocationHandler implements InvocationHandler {

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
            return mesh.emit(service.service(), exchange.pattern(), data).then();
        }
        return switch (exchange.result()) {
            case FLUX -> mesh.stream(service.service(), exchange.pattern(), data, exchange.answer());
            case MONO -> answer(exchange, data);
            case FUTURE -> answer(exchange, data).toFuture();
        };
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
