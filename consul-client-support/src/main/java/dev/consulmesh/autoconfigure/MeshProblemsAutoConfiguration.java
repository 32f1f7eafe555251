package dev.consulmesh.autoconfigure;

import dev.consulmesh.web.MeshProblemAdvice;
import dev.consulmesh.web.MeshProblemProperties;
import dev.consulmesh.web.MeshProblems;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.http.ProblemDetail;

/**
 * RFC 9457 problems for failed mesh calls in a WebFlux or Spring MVC application
 * ({@code mesh.web.problems.*}); an application replaces them with its own {@link MeshProblems} or
 * {@link MeshProblemAdvice} bean, or its own handlers, which answer first.
 */
@AutoConfiguration
@ConditionalOnWebApplication
@ConditionalOnClass(ProblemDetail.class)
@ConditionalOnBooleanProperty(name = "mesh.web.problems.enabled", matchIfMissing = true)
@EnableConfigurationProperties(MeshProblemProperties.class)
public class MeshProblemsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public MeshProblems meshProblems(MeshProblemProperties properties) {
        return new MeshProblems(properties);
    }

    @Bean
    @ConditionalOnMissingBean
    public MeshProblemAdvice meshProblemAdvice(MeshProblems problems) {
        return new MeshProblemAdvice(problems);
    }
}
