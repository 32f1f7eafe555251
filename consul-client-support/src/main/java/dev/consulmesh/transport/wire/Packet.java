package dev.consulmesh.transport.wire;

/** One JSON message of the NestJS TCP transport. */
public sealed interface Packet permits RequestPacket, EventPacket, ResponsePacket {
}
