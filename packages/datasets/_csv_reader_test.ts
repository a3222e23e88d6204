import { deepStrictEqual, throws } from "node:assert/strict";
import { CsvReader, type CsvRecord } from "./_csv_reader.ts";

function read(pieces: string[], delimiter = ","): CsvRecord[] {
  const out: CsvRecord[] = [];
  const reader = new CsvReader(delimiter, 1 << 20, (r) => out.push(r));
  for (const p of pieces) reader.push(p);
  reader.end();
  return out;
}

const TEXT = '\ufeffa,"b ""q""",c\r\n1,"x\ny",3\n\n"",,"6"\r7,8,9';

Deno.test("CsvReader gives the same records and lines however the text is split", () => {
  const whole = read([TEXT]);
  deepStrictEqual(whole, [
    { fields: ["a", 'b "q"', "c"], line: 1 },
    { fields: ["1", "x\ny", "3"], line: 2 },
    { fields: ["", "", "6"], line: 5 },
    { fields: ["7", "8", "9"], line: 6 },
  ]);
  for (let size = 1; size <= 7; size++) {
    const pieces: string[] = [];
    for (let at = 0; at < TEXT.length; at += size) pieces.push(TEXT.slice(at, at + size));
    deepStrictEqual(read(pieces), whole, `pieces of ${size}`);
  }
});

Deno.test("CsvReader rejects stray quotes, unclosed quotes and endless records", () => {
  throws(() => read(['a,b"c\n']), /line 1: a quote inside the unquoted field 2/);
  throws(() => read(['a\n"b"c\n']), /line 2: a character follows a closing quote/);
  throws(() => read(['a\n"b\n']), /line 2: a quoted field is not closed/);
  const reader = new CsvReader(",", 10, () => {});
  throws(() => reader.push("12345678901"), /a record longer than 10 characters/);
});
