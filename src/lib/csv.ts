/**
 * CSV as Excel writes it in China: decoding (UTF-8 with or without BOM, or GB18030) and an RFC 4180
 * parser that keeps each record's line number and reports malformed records instead of stopping.
 *
 * Hand-written (the parser is ~100 lines) rather than a dependency: the import needs the line each
 * record *starts* on, has to go on after a malformed record so that every problem is listed, and
 * runs unchanged in the worker (no `Buffer`, no `node:*`). `test/lib/csv.test.ts` pins the RFC 4180
 * cases and a write → parse round trip.
 *
 * @example
 * ```ts
 * const decoded = decodeCsv(bytes);            // { text, encoding, lossy }
 * const { records, problems } = parseCsv(decoded.text);
 * records[0]; // { line: 1, fields: ["干部编号", "测评日期", …] }
 * ```
 */

/** How the bytes were read: `utf-8-bom` is UTF-8 that started with a byte-order mark (Excel's "CSV UTF-8"). */
export type CsvEncoding = "utf-8" | "utf-8-bom" | "gb18030";

export interface DecodedCsv {
  text: string;
  encoding: CsvEncoding;
  /**
   * True when the bytes were valid in neither encoding: the text was decoded with U+FFFD in place of
   * each bad sequence (as UTF-8 when most of it is UTF-8, else as GB18030), so the caller can report
   * the cells that hold them.
   */
  lossy: boolean;
}

/** Names of GB 2312 / GBK / GB 18030 in a `charset` parameter; GB18030 is a superset of the others. */
const GB_LABELS = new Set(["gb18030", "gbk", "gb2312", "x-gbk", "cp936", "windows-936"]);
const REPLACEMENT = "\uFFFD";

function decodes(label: "utf-8" | "gb18030", bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Decodes a CSV file. Valid UTF-8 is UTF-8 (a leading BOM is dropped); anything else is GB18030, the
 * encoding of "CSV (逗号分隔)" saved by Chinese Excel. A declared GBK/GB2312/GB18030 `charset` (from
 * `Content-Type`) skips the UTF-8 guess. Bytes valid in neither come back `lossy`.
 *
 * @example
 * ```ts
 * decodeCsv(new Uint8Array([0xef, 0xbb, 0xbf, 0x41])); // { text: "A", encoding: "utf-8-bom", lossy: false }
 * ```
 */
export function decodeCsv(bytes: Uint8Array, charset?: string): DecodedCsv {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  const declared = charset?.trim().toLowerCase();
  const preferGb = declared !== undefined && GB_LABELS.has(declared) && !bom;
  if (!preferGb) {
    const text = decodes("utf-8", body);
    if (text !== undefined) return { text, encoding: bom ? "utf-8-bom" : "utf-8", lossy: false };
  }
  if (!bom) {
    const text = decodes("gb18030", body);
    if (text !== undefined) return { text, encoding: "gb18030", lossy: false };
  }
  // Neither decodes cleanly. Multi-byte UTF-8 almost never occurs by chance in other encodings,
  // while UTF-8 text often reads as (wrong but valid) GB18030: so it is UTF-8 with a few bad bytes
  // when more characters decode as UTF-8 than fail. Good rows then stay readable.
  const utf8 = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true }).decode(body);
  if (bom || (!preferGb && nonAsciiCount(utf8) > 2 * replacementCount(utf8)))
    return { text: utf8, encoding: bom ? "utf-8-bom" : "utf-8", lossy: true };
  return { text: new TextDecoder("gb18030").decode(body), encoding: "gb18030", lossy: true };
}

function replacementCount(text: string): number {
  return text.split(REPLACEMENT).length - 1;
}

/** Characters beyond ASCII that decoded (replacement characters excluded). */
function nonAsciiCount(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f && c !== 0xfffd) n++;
  }
  return n;
}

/** True when the bytes start like UTF-16 (Excel's "Unicode text"), which is not CSV. */
export function looksLikeUtf16(bytes: Uint8Array): boolean {
  return (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
}

/** One record: its fields and the 1-based line of the file it starts on. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** A record that is not well-formed CSV. */
export interface CsvProblem {
  line: number;
  code: "unterminated_quote" | "bad_quote";
  message: string;
}

export interface ParsedCsv {
  /** Every well-formed, non-blank record in file order. Records with a problem are left out. */
  records: CsvRecord[];
  problems: CsvProblem[];
}

const QUOTE = 34; // "
const COMMA = 44; // ,
const CR = 13;
const LF = 10;

/**
 * Parses RFC 4180 CSV: comma-separated fields, `"`-quoted fields that may hold commas, `""` and line
 * breaks; records end at CRLF, LF or CR. Blank lines are skipped. Leniencies (as Excel reads): a `"`
 * inside an unquoted field is kept as a character, a missing final line break is fine. Errors, each
 * reported with the record's first line: text after a closing quote (`bad_quote`), and a quoted
 * field still open at the end of the file (`unterminated_quote`: the file was cut short).
 *
 * @example
 * ```ts
 * parseCsv('a,"b ""x""\nc"\r\n1,2');
 * // { records: [{ line: 1, fields: ["a", 'b "x"\nc'] }, { line: 3, fields: ["1", "2"] }], problems: [] }
 * ```
 */
export function parseCsv(text: string): ParsedCsv {
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;

  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let bad: CsvProblem | undefined;
    let atRecordEnd = false;
    while (!atRecordEnd) {
      let value: string;
      if (text.charCodeAt(i) === QUOTE) {
        // Quoted field: runs to the next lone quote; "" is an escaped quote.
        let out = "";
        let from = ++i;
        let closed = false;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === QUOTE) {
            if (text.charCodeAt(i + 1) === QUOTE) {
              out += text.slice(from, i + 1);
              i += 2;
              from = i;
              continue;
            }
            out += text.slice(from, i);
            i++;
            closed = true;
            break;
          }
          if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) line++;
          i++;
        }
        if (!closed) {
          problems.push({
            line: start,
            code: "unterminated_quote",
            message: "a quoted field is still open at the end of the file (the file was cut short?)",
          });
          return { records, problems };
        }
        value = out;
        // Anything but a separator after the closing quote is malformed; skip to the field's end.
        const after = i;
        while (i < n && !isSeparator(text.charCodeAt(i))) i++;
        if (i > after && !bad)
          bad = {
            line: start,
            code: "bad_quote",
            message: `text after a closing quote: ${JSON.stringify(text.slice(after, Math.min(i, after + 20)))}`,
          };
      } else {
        const from = i;
        while (i < n && !isSeparator(text.charCodeAt(i))) i++;
        value = text.slice(from, i);
      }
      fields.push(value);
      const c = text.charCodeAt(i);
      if (c === COMMA) {
        i++;
        continue;
      }
      // End of record: a line break or the end of the text.
      if (c === CR) i += text.charCodeAt(i + 1) === LF ? 2 : 1;
      else if (c === LF) i++;
      if (i <= n && (c === CR || c === LF)) line++;
      atRecordEnd = true;
    }
    if (bad) problems.push(bad);
    else if (!(fields.length === 1 && fields[0] === "")) records.push({ line: start, fields });
  }
  return { records, problems };
}

function isSeparator(c: number): boolean {
  return c === COMMA || c === LF || c === CR;
}

/**
 * Formats records as RFC 4180 CSV (CRLF line ends; fields quoted when they need it). Used by tests and
 * by tools that write import files.
 *
 * @example
 * ```ts
 * toCsv([["a", "b,c"], ["1", 'say "hi"']]); // 'a,"b,c"\r\n1,"say ""hi"""\r\n'
 * ```
 */
export function toCsv(rows: readonly (readonly string[])[]): string {
  const quote = (field: string) => (/[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field);
  return rows.map((row) => `${row.map(quote).join(",")}\r\n`).join("");
}
