package dev.consulmesh.client.declarative;

import dev.consulmesh.client.MeshClient;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.FactoryBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

import java.lang.reflect.Proxy;

/**
 * Makes the bean of one {@link MeshService} interface: reads the interface when the context starts (so a
 * wrong one fails start-up, before anything connects) and builds its proxy over the context's
 * {@link MeshClient} when it is first injected. Declares the interface's idempotent patterns for its
 * service and starts watching the service, so health shows its nodes before the first call.
 */
public final class MeshServiceFactoryBean<T> implements FactoryBean<T>, BeanFactoryAware, EnvironmentAware, InitializingBean {

    private final Class<T> type;
    private BeanFactory beanFactory;
    private Environment environment;
    private ServiceInterface service;

    public MeshServiceFactoryBean(Class<T> type) {
        this.type = type;
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = beanFactory;
    }

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void afterPropertiesSet() {
        service = ServiceInterface.of(type, environment::resolveRequiredPlaceholders);
    }

    @Override
    public T getObject() {
        MeshClient mesh = beanFactory.getBean(MeshClient.class);
        service.idempotentPatterns().forEach(mesh.idempotentPatterns(service.service())::declare);
        mesh.prepare(service.service());
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type},
                new MeshServiceInvocationHandler(service, mesh)));
    }

    @Override
    public Class<?> getObjectType() {
        return type;
    }
}
