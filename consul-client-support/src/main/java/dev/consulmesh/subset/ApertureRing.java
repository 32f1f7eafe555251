package dev.consulmesh.subset;

import java.util.ArrayList;
import java.util.List;

/**
 * Deterministic aperture over one group of nodes, in the manner of Finagle's: the nodes, sorted, lie
 * side by side on a ring of circumference 1, each 1/M wide; the callers too, each 1/N wide. Caller i
 * takes the arc that starts at i/N and is c/N long, and every node that the arc touches, with the share
 * of the node the arc covers. Since the arc is a whole number of callers' widths, every point of the
 * ring is covered by exactly c callers: with each caller spreading its calls by share, every node gets
 * the same load. A node leaving shifts each arc by at most one node; a caller joining or leaving moves
 * the arcs' starts by at most M/N nodes, the last caller's the most.
 * <p>
 * c is the largest whole number for which an arc touches at most {@code size} nodes; at least 1 so that
 * the arcs of all callers together cover every node: with few callers (N * size below M) an arc is M/N
 * nodes long, wider than {@code size}, because a node no caller talks to is capacity lost.
 * Integer arithmetic only: the ring is scaled to M * N units, a node is N units wide, a caller M.
 */
public final class ApertureRing {

    private ApertureRing() {
    }

    /** A node of the arc, by its index in the sorted group, with the share (0, 1] of it the arc covers. */
    public record Member(int index, double share) {
    }

    /**
     * The members of {@code position}'s arc over {@code nodeCount} nodes; every node when the group has no
     * more than {@code size} of them.
     */
    public static List<Member> arc(int nodeCount, CallerPosition position, int size) {
        List<Member> members = new ArrayList<>();
        if (nodeCount <= size) {
            for (int i = 0; i < nodeCount; i++) {
                members.add(new Member(i, 1.0));
            }
            return members;
        }
        long nodes = nodeCount;
        long callers = position.count();
        // an arc of c callers is c*M/N nodes long and touches at most ceil(c*M/N)+1 nodes
        long c = Math.max(1, (size - 1) * callers / nodes);
        if (c >= callers) {
            return arc(nodeCount, position, nodeCount); // one caller, or an arc of them all: every node
        }
        long start = position.index() * nodes;
        long length = c * nodes;
        long covered = 0;
        int first = (int) (start / callers);
        for (int step = 0; covered < length && step < nodeCount; step++) {
            int index = (first + step) % nodeCount;
            long nodeStart = (long) index * callers;
            long from = Math.max(nodeStart, step == 0 ? start : nodeStart);
            long to = Math.min(nodeStart + callers, from + (length - covered));
            if (to > from) {
                members.add(new Member(index, (double) (to - from) / callers));
                covered += to - from;
            }
        }
        return members;
    }
}
