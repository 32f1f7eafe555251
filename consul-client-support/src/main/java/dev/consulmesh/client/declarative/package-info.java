/**
 * The declarative client: a service of the mesh called through an interface of the caller's own, as
 * Spring's HTTP service clients are. Annotate the interface {@link dev.consulmesh.client.declarative.MeshService},
 * its methods {@link dev.consulmesh.client.declarative.MessageExchange} (requests: {@code Mono<T>},
 * {@code Flux<T>}, {@code CompletableFuture<T>}, or {@link dev.consulmesh.client.NodeAnswer NodeAnswer<T>}
 * for the answering node too) or {@link dev.consulmesh.client.declarative.EventExchange} (events:
 * {@code Mono<Void>}, sent when subscribed, or {@code void}, sent at once), enable it with {@link dev.consulmesh.client.declarative.EnableMeshClients} and inject
 * it. Every call goes through the application's {@link dev.consulmesh.client.MeshClient}.
 */
package dev.consulmesh.client.declarative;
