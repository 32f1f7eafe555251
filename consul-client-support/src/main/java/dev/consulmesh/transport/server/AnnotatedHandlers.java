package dev.consulmesh.transport.server;

import tools.jackson.databind.ObjectMapper;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

import java.lang.reflect.Method;
import java.util.Map;

/** Adds the {@link MessagePattern} and {@link EventPattern} methods of an object to a registry. */
public final class AnnotatedHandlers {

    private AnnotatedHandlers() {
    }

    /** Whether the type declares any handler method. */
    public static boolean declaresHandlers(Class<?> type) {
        return !requestMethods(type).isEmpty() || !eventMethods(type).isEmpty();
    }

    /** Registers every handler method of the bean, {@code @Valid} payloads checked by a default validator. */
    public static int register(HandlerRegistry registry, Object bean, ObjectMapper mapper) {
        return register(registry, bean, mapper, PayloadValidator.withDefaults());
    }

    /**
     * Registers every handler method of the bean; returns how many there were.
     *
     * @throws IllegalStateException naming the method whose pattern or parameters a handler cannot have
     */
    public static int register(HandlerRegistry registry, Object bean, ObjectMapper mapper, PayloadValidator validator) {
        Class<?> type = ClassUtils.getUserClass(AopUtils.getTargetClass(bean));
        Map<Method, MessagePattern> requests = requestMethods(type);
        Map<Method, EventPattern> events = eventMethods(type);
        requests.forEach((method, pattern) -> registry.addRequestHandler(DeclaredPattern.of(pattern, method, mapper),
                handler(bean, method, mapper, validator)));
        events.forEach((method, pattern) -> registry.addEventHandler(DeclaredPattern.of(pattern, method, mapper),
                handler(bean, method, mapper, validator)));
        return requests.size() + events.size();
    }

    private static Map<Method, MessagePattern> requestMethods(Class<?> type) {
        return MethodIntrospector.selectMethods(type, (MethodIntrospector.MetadataLookup<MessagePattern>) method ->
                AnnotatedElementUtils.findMergedAnnotation(method, MessagePattern.class));
    }

    private static Map<Method, EventPattern> eventMethods(Class<?> type) {
        return MethodIntrospector.selectMethods(type, (MethodIntrospector.MetadataLookup<EventPattern>) method ->
                AnnotatedElementUtils.findMergedAnnotation(method, EventPattern.class));
    }

    private static HandlerMethod handler(Object bean, Method method, ObjectMapper mapper, PayloadValidator validator) {
        return new HandlerMethod(bean, AopUtils.selectInvocableMethod(method, bean.getClass()), mapper, validator);
    }
}
