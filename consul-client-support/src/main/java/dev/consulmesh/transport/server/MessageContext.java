package dev.consulmesh.transport.server;

import tools.jackson.databind.JsonNode;

import java.net.SocketAddress;

/**
 * What a handler may know about the packet besides its data, like Nest's {@code TcpContext}: declare a
 * parameter of this type beside the payload, in any order.
 *
 * @param pattern       the pattern as the peer sent it (a string, or an object in the peer's key order)
 * @param route         the route the pattern matched by: the string itself, or an object's canonical text
 * @param remoteAddress the peer's address ({@code host:port} of its end of the connection)
 */
public record MessageContext(JsonNode pattern, String route, SocketAddress remoteAddress) {
}
