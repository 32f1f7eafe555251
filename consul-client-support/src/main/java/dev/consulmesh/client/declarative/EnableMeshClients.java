package dev.consulmesh.client.declarative;

import org.springframework.context.annotation.Import;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Registers a bean for every {@link MeshService} interface found in the given packages, as Spring's
 * HTTP service client registry does for {@code @HttpExchange} interfaces: put it on a configuration class
 * (the {@code @SpringBootApplication} one) and inject the interfaces.
 *
 * <pre>{@code
 * @SpringBootApplication
 * @EnableMeshClients
 * public class ShopApplication { ... }
 * }</pre>
 *
 * Each interface is checked at start-up: a method that maps to no pattern, that takes more than one
 * parameter or returns a type the client cannot give, two methods on one pattern that disagree, a
 * service name Consul cannot have or a placeholder without value fail start-up naming the method or
 * interface. The calls go through the application's {@code MeshClient}, taken from the context when an
 * interface is first injected.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import(MeshClientsRegistrar.class)
public @interface EnableMeshClients {

    /** Packages to scan for {@link MeshService} interfaces; default: the package of the annotated class. */
    String[] basePackages() default {};

    /** Classes whose packages are scanned, a type-safe alternative to {@link #basePackages()}. */
    Class<?>[] basePackageClasses() default {};
}
