package dev.consulmesh.autoconfigure;

import tools.jackson.databind.ObjectMapper;
import dev.consulmesh.transport.server.AnnotatedHandlers;
import dev.consulmesh.transport.server.EventPattern;
import dev.consulmesh.transport.server.HandlerRegistry;
import dev.consulmesh.transport.server.MessagePattern;
import dev.consulmesh.transport.server.PayloadValidator;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.util.ClassUtils;

/**
 * Once every singleton exists, finds their {@link MessagePattern} and {@link EventPattern} methods and
 * adds them to the handler registry (before any server starts). A handler method the transport cannot
 * call (its pattern or parameters) fails the start-up here, naming the method.
 */
final class AnnotatedHandlerDetector implements SmartInitializingSingleton {

    private final ConfigurableListableBeanFactory beans;
    private final HandlerRegistry registry;
    private final ObjectMapper mapper;
    private final PayloadValidator validator;

    /** @param validator checks the {@code @Valid} payloads: the application's validator when it has one */
    AnnotatedHandlerDetector(ConfigurableListableBeanFactory beans, HandlerRegistry registry, ObjectMapper mapper,
                             PayloadValidator validator) {
        this.beans = beans;
        this.registry = registry;
        this.mapper = mapper;
        this.validator = validator;
    }

    @Override
    public void afterSingletonsInstantiated() {
        for (String name : beans.getBeanDefinitionNames()) {
            BeanDefinition definition = beans.getBeanDefinition(name);
            if (!definition.isSingleton() || definition.isLazyInit()) {
                continue;
            }
            Class<?> type = beans.getType(name);
            if (type != null && !type.getName().startsWith("org.springframework.")
                    && AnnotatedHandlers.declaresHandlers(ClassUtils.getUserClass(type))) {
                AnnotatedHandlers.register(registry, beans.getBean(name), mapper, validator);
            }
        }
    }
}
