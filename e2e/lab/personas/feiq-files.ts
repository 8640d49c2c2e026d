import { shownRaw, shownText } from './display-model';
import type { FileDialect, OfferEntry, RequestRead } from './file-dialect';
import { decodeGbkStrict, encodeGbkStrict } from './gbk';
import { BEL, COLON, Cmd, FileType, NUL, Opt, concat } from './ipmsg-packet';

/**
 * Files as the FeiQ clones handle them. FeiQ is closed source; compilelife/feiq is the clone
 * that transfers files with it (wqfantexi/PythonFeiQ and youngtrips/iFreeChat have no file
 * transfer), so every behaviour below is from it:
 *
 *   EN  feiqlib/feiqengine.cpp  SendFileContent (offer), RecvFile (reading one),
 *                               FeiqEngine::downloadFile, fileServerHandler (serving)
 *   CO  feiqlib/feiqcommu.cpp   SendRequestFile, requestFileData, onTcpClientConnected, pack
 *   CT  feiqlib/content.h       FileContent::createFileContentToSend (fileId counter)
 *   UT  feiqlib/utils.cpp       splitAllowSeperator
 */
export function feiqFiles(): FileDialect {
  // CT: `static UniqueId mFileId`: 1, 2, 3… for the whole process.
  let nextId = 0;
  return {
    // EN SendFileContent::cmdId: no SENDCHECKOPT (FeiQ's file offers are not acknowledged).
    offerCommand: Cmd.SENDMSG | Opt.FILEATTACHOPT,
    // FeiqEngine::sendFiles sends each file as its own content, one datagram each.
    onePacketPerFile: true,
    fileIds: (count) => Array.from({ length: count }, () => ++nextId),
    // EN SendFileContent::write: os << (char)0 << to_string(id) << ':' << gbk(name with ':'
    // doubled) << ':' << std::hex << size << ':' << mtime << ':' << type << ':' << '\a'; std::hex
    // sticks, so mtime and type are hex too. CO pack() adds the final NUL. No text: a FeiQ text
    // goes in its own SENDMSG.
    writeOffer: (_text, files) =>
      concat(
        files.flatMap((f) => [
          NUL,
          ascii(`${f.fileId}:`),
          gbkOrUtf8(f.name.replaceAll(':', '::')),
          ascii(`:${f.size.toString(16)}:${f.mtime.toString(16)}:${FileType.REGULAR}:\x07`),
          NUL,
        ]),
      ),
    readOffer: readFeiqOffer,
    // CO SendRequestFile::write: os << std::hex << packetNo << ':' << fileid << ':' << offset
    // << ':'; pack() adds the NUL; requestFileData sends it in one send(). downloadFile always
    // asks from 0. The command is plain GETFILEDATA (no UTF8OPT: it never writes one).
    writeRequest: (offer, offset) => ({
      command: Cmd.GETFILEDATA,
      extra: concat([
        ascii(
          `${offer.packetNo.toString(16)}:${offer.fileId.toString(16)}:${offset.toString(16)}:`,
        ),
        NUL,
      ]),
    }),
    readRequest: readFeiqRequest,
    // EN fileServerHandler: mModel.findTask(packetNo, fileId), nothing about who asks.
    checksRecipient: false,
  };
}

/**
 * EN RecvFile::read: skip to the byte after the first NUL, then every run up to a `\a` is a
 * record (a tail without `\a` is dropped). UT splitAllowSeperator reads `::` as ':' and keeps a
 * field only when a ':' follows it, so `id:name:size:mtime:type:` gives the five fields it needs
 * and `…:type\a` gives four: the file is not listed. stoi(id) decimal; the name through
 * encIn->convert (GBK; raw bytes when that fails); size, mtime, type with stoi(…, 16). It
 * never looks at UTF8OPT. A field stoi cannot read throws in the clone; here the record is
 * skipped.
 */
export function readFeiqOffer(_command: number, extra: Uint8Array): OfferEntry[] {
  const nul = extra.indexOf(0);
  if (nul < 0) return [];
  const out: OfferEntry[] = [];
  let at = nul + 1;
  while (at < extra.length) {
    const bel = extra.indexOf(BEL, at);
    if (bel < 0) break;
    const values = splitAllowSeparator(extra.subarray(at, bel));
    at = bel + 1;
    if (values.length < 5) continue;
    const [id, name, size, mtime, type] = values as [
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
    ];
    const fileId = stoi(latin1(id), 10);
    const sizeN = stoi(latin1(size), 16);
    const mtimeN = stoi(latin1(mtime), 16);
    const typeN = stoi(latin1(type), 16);
    if (fileId === undefined || sizeN === undefined || mtimeN === undefined) continue;
    if (typeN === undefined) continue;
    const converted = decodeGbkStrict(name);
    out.push({
      fileId,
      name: converted.ok ? shownText(converted.text) : shownRaw(name),
      size: sizeN,
      mtime: mtimeN,
      attr: typeN,
    });
  }
  return out;
}

/**
 * CO onTcpClientConnected: one recv(), dumpRaw (the command is not looked at), then
 * splitAllowSeperator on the extra; fewer than three values (an offset without its trailing
 * ':' is no value) and it returns without a byte: the requester sees the connection close.
 */
export function readFeiqRequest(_command: number, extra: Uint8Array): RequestRead | string {
  const values = splitAllowSeparator(extra).map(latin1);
  if (values.length < 3) return `${values.length} ':'-terminated fields, it needs 3`;
  const [pkt = '', fid = '', offset = ''] = values;
  const packetNo = stoi(pkt, 16);
  const fileId = stoi(fid, 16);
  const off = stoi(offset, 16);
  if (packetNo === undefined || fileId === undefined || off === undefined)
    return 'stoi throws on a field';
  return { packetNo, fileId, offset: off };
}

/** UT splitAllowSeperator: `::` is a ':' in the value; a value counts only when ':' ends it. */
function splitAllowSeparator(bytes: Uint8Array): Uint8Array[] {
  const values: Uint8Array[] = [];
  let buf: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] ?? 0;
    if (b === COLON) {
      if (i + 1 < bytes.length && bytes[i + 1] === COLON) {
        buf.push(COLON);
        i++;
        continue;
      }
      values.push(new Uint8Array(buf));
      buf = [];
      continue;
    }
    buf.push(b);
  }
  return values;
}

/** std::stoi: leading whitespace, then digits of the base; throws (undefined) on none. */
function stoi(text: string, base: 10 | 16): number | undefined {
  const m = (base === 10 ? /^\s*([+-]?\d+)/ : /^\s*([+-]?(?:0x)?[0-9a-f]+)/i).exec(text);
  if (!m) return undefined;
  const n = parseInt(m[1] ?? '', base);
  // stoi returns an int: out_of_range beyond it.
  return Number.isFinite(n) && n <= 0x7fffffff && n >= -0x80000000 ? n : undefined;
}

/** CL Encoding::convert to GBK returns its input when iconv fails (see feiq-dialect.ts). */
function gbkOrUtf8(text: string): Uint8Array {
  return encodeGbkStrict(text) ?? new Uint8Array(Buffer.from(text, 'utf8'));
}

const ascii = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));
const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');
