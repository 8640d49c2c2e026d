/**
 * Small Python programs for the namespace suites (python3's socket module is on the machine):
 * the classic echo server of socket tutorials, and a relay that adds delay and jitter.
 */

/** Reads 1024 bytes and decodes them as text before sending them back: a naive echo server. */
export const NAIVE_ECHO_SERVER = `
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('0.0.0.0', int(sys.argv[1])))
while True:
    data, addr = s.recvfrom(1024)
    s.sendto(data.decode().encode(), addr)
`;

/**
 * relay.py LISTEN HOST PORT DELAY_MS JITTER_MS: forwards what arrives on LISTEN to HOST:PORT and
 * the answers back to the last client, each datagram held DELAY +- JITTER ms (uniform) in each
 * direction, so datagrams may overtake each other.
 */
export const DELAY_RELAY = `
import heapq, random, select, socket, sys, time
listen, host, port = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
delay, jitter = float(sys.argv[4]), float(sys.argv[5])
front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
front.bind(('0.0.0.0', listen))
back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
back.bind(('0.0.0.0', 0))
client, queue, n = None, [], 0
while True:
    wait = max(0.0, queue[0][0] - time.monotonic()) if queue else None
    ready, _, _ = select.select([front, back], [], [], wait)
    for s in ready:
        data, addr = s.recvfrom(65535)
        if s is front:
            client, out, to = addr, back, (host, port)
        elif client is None:
            continue
        else:
            out, to = front, client
        n += 1
        due = time.monotonic() + (delay + random.uniform(-jitter, jitter)) / 1000
        heapq.heappush(queue, (due, n, out, to, data))
    now = time.monotonic()
    while queue and queue[0][0] <= now:
        _, _, out, to, data = heapq.heappop(queue)
        out.sendto(data, to)
`;

/** Holds a UDP port (and does nothing): "port 2425 is used by another program". */
export const HOLD_UDP_PORT = `
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('0.0.0.0', int(sys.argv[1])))
while True:
    time.sleep(60)
`;
