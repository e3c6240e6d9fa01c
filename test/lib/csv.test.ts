import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeCsv, looksLikeUtf16, parseCsv, toCsv } from "../../src/lib/csv";

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../fixtures/imports/${name}`, import.meta.url)));
const utf8 = (text: string) => new TextEncoder().encode(text);
const BOM = [0xef, 0xbb, 0xbf];

describe("parseCsv (RFC 4180)", () => {
  it("reads quoted commas, escaped quotes and line breaks inside quotes, with each record's first line", () => {
    const text = 'id,note\r\n1,"a, b"\r\n2,"say ""hi"""\r\n3,"two\r\nlines\nthree"\r\n4,last';
    expect(parseCsv(text)).toEqual({
      records: [
        { line: 1, fields: ["id", "note"] },
        { line: 2, fields: ["1", "a, b"] },
        { line: 3, fields: ["2", 'say "hi"'] },
        { line: 4, fields: ["3", "two\r\nlines\nthree"] },
        { line: 7, fields: ["4", "last"] },
      ],
      problems: [],
    });
  });

  it("ends records at CRLF, LF or a lone CR, skips blank lines and keeps empty fields", () => {
    expect(parseCsv("a,b\n\n1,\r\r,2\r\n\r\n")).toEqual({
      records: [
        { line: 1, fields: ["a", "b"] },
        { line: 3, fields: ["1", ""] },
        { line: 5, fields: ["", "2"] },
      ],
      problems: [],
    });
  });

  it("keeps a quote inside an unquoted field as a character, as Excel reads it", () => {
    expect(parseCsv('a,5"7\n').records).toEqual([{ line: 1, fields: ["a", '5"7'] }]);
  });

  it("reports text after a closing quote on the record's line and goes on with the next record", () => {
    const { records, problems } = parseCsv('h1,h2\n"ab"c,1\n2,3\n');
    expect(problems).toEqual([{ line: 2, code: "bad_quote", message: expect.stringContaining('"c"') }]);
    expect(records.map((r) => r.line)).toEqual([1, 3]);
  });

  it("reports a quote still open at the end (a cut-off file) on the line where the field began", () => {
    const { records, problems } = parseCsv('h1,h2\n1,2\n3,"unfinished\nmore');
    expect(records).toEqual([
      { line: 1, fields: ["h1", "h2"] },
      { line: 2, fields: ["1", "2"] },
    ]);
    expect(problems).toEqual([{ line: 3, code: "unterminated_quote", message: expect.any(String) }]);
  });

  it("parses back whatever toCsv writes, each record starting after the line breaks before it", () => {
    const field = fc.string({
      unit: fc.constantFrom("a", "干", ",", '"', "\n", "\r", " ", "1"),
      maxLength: 6,
    });
    const row = fc.array(field, { minLength: 2, maxLength: 5 });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 8 }), (rows) => {
        const text = toCsv(rows);
        const parsed = parseCsv(text);
        expect(parsed.problems).toEqual([]);
        expect(parsed.records.map((r) => r.fields)).toEqual(rows);
        let line = 1;
        rows.forEach((r, i) => {
          expect(parsed.records[i]?.line).toBe(line);
          line +=
            1 +
            (toCsv([r])
              .slice(0, -2)
              .match(/\r\n|\r|\n/g)?.length ?? 0);
        });
      }),
    );
  });
});

describe("decodeCsv", () => {
  const zh = fixture("round-zh.csv");
  const zhText = new TextDecoder().decode(zh);

  it("reads UTF-8 as UTF-8, and drops a BOM", () => {
    expect(decodeCsv(zh)).toEqual({ text: zhText, encoding: "utf-8", lossy: false });
    expect(decodeCsv(new Uint8Array([...BOM, ...zh]))).toEqual({
      text: zhText,
      encoding: "utf-8-bom",
      lossy: false,
    });
  });

  it("reads the iconv-made GB18030 fixture back to exactly the UTF-8 text", () => {
    const gb = fixture("round-zh.gb18030.csv");
    expect(gb.length).toBeLessThan(zh.length); // two bytes per Chinese character instead of three
    expect(decodeCsv(gb)).toEqual({ text: zhText, encoding: "gb18030", lossy: false });
  });

  it("follows a declared GBK/GB18030 charset, and decodes known GB18030 bytes", () => {
    // 干部 in GB18030, as `iconv -t GB18030` writes it (not valid UTF-8).
    expect(decodeCsv(new Uint8Array([0xb8, 0xc9, 0xb2, 0xbf]), "GBK")).toMatchObject({
      text: "干部",
      encoding: "gb18030",
    });
    // Plain ASCII is the same in both; a declared charset decides the label.
    expect(decodeCsv(utf8("a,b"), "gb2312").encoding).toBe("gb18030");
  });

  it("marks bytes valid in neither encoding as lossy, keeping UTF-8 text readable around them", () => {
    const bytes = new Uint8Array([...utf8("姓名,年份\n张伟,"), 0xff, 0xfe, ...utf8("\n李娜,1980\n")]);
    const decoded = decodeCsv(bytes);
    expect(decoded.lossy).toBe(true);
    expect(decoded.encoding).toBe("utf-8");
    expect(decoded.text.startsWith("姓名,年份\n张伟,\uFFFD")).toBe(true);
    expect(decoded.text.endsWith("\n李娜,1980\n")).toBe(true);
  });

  it("recognizes UTF-16 (Excel 'Unicode text')", () => {
    expect(looksLikeUtf16(new Uint8Array([0xff, 0xfe, 0x41, 0]))).toBe(true);
    expect(looksLikeUtf16(zh)).toBe(false);
  });
});
