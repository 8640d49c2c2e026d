import { randomInt } from 'node:crypto';
import { shownText } from './display-model';
import type { FileDialect, OfferEntry, RequestRead } from './file-dialect';
import { decodeGbkLenient, encodeGbkLossy } from './gbk';
import { BEL, COLON, Cmd, FileType, NUL, Opt, concat } from './ipmsg-packet';

/**
 * Files as IP Messenger handles them (shirouzu/ipmsg v4.99r3; the 2.x Chinese builds share the
 * code paths, in code page 936 instead of UTF-8):
 *
 *   SH  src/share.cpp    ShareInfo::EncodeMsg (offer records), ShareInfo(char*) (reading them),
 *                        ShareMng::GetAcceptableFileInfo (the server's request check)
 *   RD  src/recvdlg.cpp  TRecvDlg::StartRecvFile (the request it writes)
 *   MM  src/msgmng.cpp   MsgMng::MakeMsg (the NUL after the message, exMsg after it)
 *   MF  src/miscfunc.cpp separate_token (sep_tok: skips runs of separators, like strtok)
 */
export function ipmsgFiles(): FileDialect {
  return {
    // IPMsg's SENDMSG always carries SENDCHECKOPT; FILEATTACHOPT when files are shared.
    offerCommand: Cmd.SENDMSG | Opt.SENDCHECKOPT | Opt.FILEATTACHOPT,
    onePacketPerFile: false,
    // SH EncodeMsg: TGenRandom(&id_base); id_base &= 0x3fffffff; the files get id_base + i.
    fileIds: (count) => {
      const base = randomInt(0, 0x3fffffff - count);
      return Array.from({ length: count }, (_, i) => base + i);
    },
    // MM: the text, its NUL, then the share list (exMsg) with no NUL after it. SH EncodeMsg:
    // "%d:%s:%llx:%llx:%x%s:%c" (id decimal; size, mtime, attr hex; record ends ":\a"). A
    // GBK build writes names in code page 936 (no UTF8OPT: it lacks CAPUTF8OPT). Windows
    // names cannot hold ':', so it never escapes one.
    writeOffer: (text, files) =>
      concat([
        encodeGbkLossy(text),
        NUL,
        ...files.map((f) =>
          concat([
            ascii(`${f.fileId}:`),
            encodeGbkLossy(f.name),
            ascii(`:${f.size.toString(16)}:${f.mtime.toString(16)}:${FileType.REGULAR}:\x07`),
          ]),
        ),
      ]),
    readOffer: readIpmsgOffer,
    // RD StartRecvFile: sprintf("%x:%x:", packetNo, fileId), strcat("0:") (the offset; this
    // version always asks from 0, the server honours any, see readRequest); UTF8OPT only when
    // the offer had it. MM adds the terminating NUL; one send().
    writeRequest: (offer, offset) => ({
      command: Cmd.GETFILEDATA | (offer.utf8 ? Opt.UTF8OPT : 0),
      extra: concat([
        ascii(
          `${offer.packetNo.toString(16)}:${offer.fileId.toString(16)}:${offset.toString(16)}:`,
        ),
        NUL,
      ]),
    }),
    readRequest: readIpmsgRequest,
    checksRecipient: true,
  };
}

/**
 * SH ShareInfo(char *msg): the share list is split on `\a` and each record on ':' with sep_tok,
 * which skips empty tokens (so `:\a:` or `\a:` do no harm); `::` became ';' first
 * (ConvertShareMsgEscape) and '?' becomes '_'. Fields: atoi id, name, hex size, hex mtime, then
 * an optional hex attr (regular when absent); types other than file and folder are dropped.
 * A record it cannot read (fewer fields, a name that is not a valid file name) ends the list.
 * Names are UTF-8 under UTF8OPT, else the code page (GBK here, invalid bytes shown replaced).
 */
export function readIpmsgOffer(command: number, extra: Uint8Array): OfferEntry[] {
  const nul = extra.indexOf(NUL[0] ?? 0);
  if (nul < 0) return [];
  let list = extra.slice(nul + 1);
  const end = list.indexOf(0);
  if (end >= 0) list = list.slice(0, end);
  const utf8 = (command & Opt.UTF8OPT) !== 0;
  const decode = (b: Uint8Array) => (utf8 ? Buffer.from(b).toString('utf8') : decodeGbkLenient(b));
  const out: OfferEntry[] = [];
  for (const record of sepTok(list, BEL)) {
    const fields = sepTok(escapeColons(record), COLON);
    const [id, rawName, size, mtime, attrField] = fields;
    if (!id || !rawName || !size || !mtime) break;
    const name = decode(rawName).replace(/\?/g, '_');
    if (!validFileName(name)) break;
    const attr = attrField ? parseInt(latin1(attrField), 16) || 0 : FileType.REGULAR;
    const type = attr & 0xff;
    if (type !== FileType.REGULAR && type !== FileType.DIR) continue;
    out.push({
      fileId: atoi(latin1(id)),
      name: shownText(name),
      size: parseInt(latin1(size), 16) || 0,
      mtime: parseInt(latin1(mtime), 16) || 0,
      attr,
    });
  }
  return out;
}

/**
 * SH GetAcceptableFileInfo: sep_tok on ':', strtol(…, 16) for the packet number and fileID,
 * hex2ll for the offset, which GETFILEDATA must carry (no offset: refused). It then serves from
 * that offset (TMainWin::StartSendFile: obj->offset = fileInfo->offset).
 */
export function readIpmsgRequest(command: number, extra: Uint8Array): RequestRead | string {
  const mode = command & 0xff;
  if (mode !== Cmd.GETFILEDATA) return `command 0x${mode.toString(16)} is not GETFILEDATA`;
  const end = extra.indexOf(0);
  const [pkt, fid, offset] = sepTok(end < 0 ? extra : extra.slice(0, end), COLON).map(latin1);
  if (pkt === undefined || fid === undefined) return 'no packet number or fileID';
  if (offset === undefined) return 'no offset';
  return { packetNo: strtol16(pkt), fileId: strtol16(fid), offset: strtol16(offset) };
}

/** MF separate_token over a whole buffer: the non-empty runs between separators. */
function sepTok(bytes: Uint8Array, sep: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === sep) {
      if (i > start) out.push(bytes.slice(start, i));
      start = i + 1;
    }
  }
  return out;
}

/** SH ConvertShareMsgEscape: "::" -> ';'. */
function escapeColons(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === COLON && bytes[i + 1] === COLON) {
      out.push(0x3b);
      i++;
    } else out.push(bytes[i] ?? 0);
  }
  return new Uint8Array(out);
}

/** IsValidFileName (tmisc): no path separators, wildcards or reserved characters. */
function validFileName(name: string): boolean {
  if (name === '' || name === '.' || name === '..' || /[\\/:*?"<>|]/.test(name)) return false;
  for (const ch of name) if (ch.charCodeAt(0) < 0x20) return false;
  return true;
}

/** C atoi: leading decimal digits, 0 when there are none. */
function atoi(text: string): number {
  const m = /^\s*([+-]?\d+)/.exec(text);
  return m ? Number(m[1]) | 0 : 0;
}

/** strtol(text, 0, 16) on the leading hex digits. */
function strtol16(text: string): number {
  const m = /^\s*(?:0x)?([0-9a-f]+)/i.exec(text);
  return m ? parseInt(m[1] ?? '0', 16) : 0;
}

const ascii = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));
const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');
