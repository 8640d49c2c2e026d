import { Mode, modeOf } from '../../../shared/protocol';
import type { TcpLimits } from './tcp-limits';
import type { TcpConnection, TcpRequestHandler } from './tcp-service';

/**
 * The data phase while Pigeon offers no files: a file or folder request gets a clean close (no
 * such file), iptux's pushed picture is read and dropped so that iptux sees a normal transfer,
 * and anything else is closed.
 */
export function answerWithoutFiles(
  limits: Pick<TcpLimits, 'drainMaxBytes' | 'drainDeadlineMs'>,
): TcpRequestHandler {
  return (request, connection) => {
    if (modeOf(request.command) === Mode.IPTUX_SENDSUBLAYER) drain(connection, limits);
    else close(connection);
  };
}

/**
 * A clean end of stream, then the socket is gone, so a peer that keeps its side open holds no
 * slot. Whatever the peer still sends is read and dropped meanwhile: unread bytes would turn
 * our close into a reset.
 */
function close({ socket }: TcpConnection): void {
  socket.resume();
  socket.end(() => socket.destroy());
}

/** The picture ends when iptux closes its side, and ours closes with it (not half-open). */
function drain(
  { socket, rest }: TcpConnection,
  limits: Pick<TcpLimits, 'drainMaxBytes' | 'drainDeadlineMs'>,
): void {
  let received = rest.length;
  const deadline = setTimeout(() => socket.resetAndDestroy(), limits.drainDeadlineMs);
  socket.once('close', () => clearTimeout(deadline));
  socket.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > limits.drainMaxBytes) socket.resetAndDestroy();
  });
  if (received > limits.drainMaxBytes) socket.resetAndDestroy();
  else socket.resume();
}
