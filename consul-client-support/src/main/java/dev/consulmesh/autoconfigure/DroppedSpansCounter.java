package dev.consulmesh.autoconfigure;

import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.observation.SpanSenders;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import zipkin2.reporter.BytesMessageSender;

/** Wraps the application's span sender, when it exports spans, so that spans it cannot deliver are counted. */
final class DroppedSpansCounter implements BeanPostProcessor {

    private final ObjectProvider<MeshMetrics> metrics;

    DroppedSpansCounter(ObjectProvider<MeshMetrics> metrics) {
        this.metrics = metrics;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        return bean instanceof BytesMessageSender sender ? SpanSenders.counting(sender, metrics.getObject()) : bean;
    }
}
