package dev.consulmesh.autoconfigure;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.consulmesh.transport.server.EventPattern;
import dev.consulmesh.transport.server.HandlerMethod;
import dev.consulmesh.transport.server.HandlerRegistry;
import dev.consulmesh.transport.server.MessagePattern;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

import java.lang.reflect.Method;
import java.util.Map;

/**
 * Once every singleton exists, finds their {@link MessagePattern} and {@link EventPattern} methods and
 * adds them to the handler registry (before any server starts).
 */
final class AnnotatedHandlerDetector implements SmartInitializingSingleton {

    private final ConfigurableListableBeanFactory beans;
    private final HandlerRegistry registry;
    private final ObjectMapper mapper;

    AnnotatedHandlerDetector(ConfigurableListableBeanFactory beans, HandlerRegistry registry, ObjectMapper mapper) {
        this.beans = beans;
        this.registry = registry;
        this.mapper = mapper;
    }

    @Override
    public void afterSingletonsInstantiated() {
        for (String name : beans.getBeanDefinitionNames()) {
            if (!beans.getBeanDefinition(name).isSingleton() || beans.getBeanDefinition(name).isLazyInit()) {
                continue;
            }
            Class<?> type = beans.getType(name);
            if (type == null || type.getName().startsWith("org.springframework.")) {
                continue;
            }
            detect(name, ClassUtils.getUserClass(type));
        }
    }

    private void detect(String beanName, Class<?> type) {
        Map<Method, MessagePattern> requests = MethodIntrospector.selectMethods(type,
                (MethodIntrospector.MetadataLookup<MessagePattern>) method ->
                        AnnotatedElementUtils.findMergedAnnotation(method, MessagePattern.class));
        Map<Method, EventPattern> events = MethodIntrospector.selectMethods(type,
                (MethodIntrospector.MetadataLookup<EventPattern>) method ->
                        AnnotatedElementUtils.findMergedAnnotation(method, EventPattern.class));
        if (requests.isEmpty() && events.isEmpty()) {
            return;
        }
        Object bean = beans.getBean(beanName);
        requests.forEach((method, pattern) -> registry.addRequestHandler(pattern.value(), handler(bean, method)));
        events.forEach((method, pattern) -> registry.addEventHandler(pattern.value(), handler(bean, method)));
    }

    private HandlerMethod handler(Object bean, Method method) {
        return new HandlerMethod(bean, AopUtils.selectInvocableMethod(method, bean.getClass()), mapper);
    }
}
