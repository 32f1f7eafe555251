package dev.consulmesh.autoconfigure;

import dev.consulmesh.web.MeshProblemAdvice;
import dev.consulmesh.web.MeshProblems;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.ControllerAdviceBean;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Problems for mesh failures in every web application, off by a property, replaced by the application's own. */
class MeshProblemsAutoConfigurationTest {

    private static final AutoConfigurations PROBLEMS = AutoConfigurations.of(MeshProblemsAutoConfiguration.class);

    @Test
    void aWebFluxApplicationAndAnMvcApplicationGetTheAdvice() {
        new ReactiveWebApplicationContextRunner().withConfiguration(PROBLEMS)
                .run(context -> assertThat(context).hasSingleBean(MeshProblemAdvice.class));
        new WebApplicationContextRunner().withConfiguration(PROBLEMS)
                .run(context -> assertThat(context).hasSingleBean(MeshProblemAdvice.class));
    }

    @Test
    void anApplicationWithoutAWebServerGetsNone() {
        new ApplicationContextRunner().withConfiguration(PROBLEMS)
                .run(context -> assertThat(context).doesNotHaveBean(MeshProblemAdvice.class));
    }

    @Test
    void aPropertySwitchesItOff() {
        new ReactiveWebApplicationContextRunner().withConfiguration(PROBLEMS)
                .withPropertyValues("mesh.web.problems.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(MeshProblemAdvice.class));
    }

    @Test
    void showDetailsIsOffUnlessAnOperatorTurnsItOn() {
        new ReactiveWebApplicationContextRunner().withConfiguration(PROBLEMS)
                .withPropertyValues("mesh.web.problems.show-details=true")
                .run(context -> assertThat(context.getBean(MeshProblems.class).problem(
                        new dev.consulmesh.transport.client.RequestTimeoutException("10.0.0.21:3001", "p",
                                java.time.Duration.ofSeconds(1)), null).getDetail()).contains("10.0.0.21:3001"));
    }

    @Configuration
    static class OwnProblems {
        static final MeshProblems OWN = new MeshProblems(true);

        @Bean
        MeshProblems ownProblems() {
            return OWN;
        }
    }

    @Test
    void theApplicationsOwnBeanReplacesTheMeshs() {
        new ReactiveWebApplicationContextRunner().withUserConfiguration(OwnProblems.class).withConfiguration(PROBLEMS)
                .run(context -> assertThat(context.getBean(MeshProblems.class)).isSameAs(OwnProblems.OWN));
    }

    @RestControllerAdvice
    static class ApplicationAdvice {
        @ExceptionHandler(Exception.class)
        String any(Exception e) {
            return "the application's";
        }
    }

    @Configuration
    static class WithOwnAdvice {
        @Bean
        ApplicationAdvice applicationAdvice() {
            return new ApplicationAdvice();
        }
    }

    /** Spring asks the advice in this order: the application's own answers a mesh failure before the mesh's. */
    @Test
    void theApplicationsAdviceComesBeforeTheMeshs() {
        new ReactiveWebApplicationContextRunner().withUserConfiguration(WithOwnAdvice.class).withConfiguration(PROBLEMS)
                .run(context -> {
                    List<Class<?>> order = ControllerAdviceBean.findAnnotatedBeans(context).stream()
                            .map(ControllerAdviceBean::getBeanType).<Class<?>>map(type -> type).toList();
                    assertThat(order).containsSubsequence(ApplicationAdvice.class, MeshProblemAdvice.class);
                });
    }
}
