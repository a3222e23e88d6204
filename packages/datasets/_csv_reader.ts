// An incremental RFC 4180 tokenizer: text goes in piece by piece (a file read
// in chunks), whole records come out with the line each starts on. Quoted
// fields may hold delimiters, line breaks and doubled quotes; CRLF, LF and CR
// end records; a leading BOM is skipped; empty lines are skipped. A record
// may not exceed `maxRecordChars`, so a file without line breaks cannot grow
// one field without bound.

/** A record and the 1-based line it starts on. */
export interface CsvRecord {
  fields: string[];
  line: number;
}

/** A malformed input: the message names the line. */
export class CsvSyntaxError extends SyntaxError {
  constructor(message: string) {
    super(message);
    this.name = "SyntaxError";
  }
}

const QUOTE = 34, CR = 13, LF = 10;

/** Splits CSV text into records; feed it with `push`, then call `end`. */
export class CsvReader {
  readonly #delimiter: number;
  readonly #maxRecordChars: number;
  readonly #onRecord: (record: CsvRecord) => void;
  #rest = ""; // text of the record in progress (not yet complete)
  #line = 1; // line the next unread character of #rest's start is on
  #started = false; // whether the BOM check ran

  constructor(
    delimiter: string,
    maxRecordChars: number,
    onRecord: (record: CsvRecord) => void,
  ) {
    this.#delimiter = delimiter.charCodeAt(0);
    this.#maxRecordChars = maxRecordChars;
    this.#onRecord = onRecord;
  }

  /** Adds text; emits every record it completes. */
  push(chunk: string): void {
    let text = this.#rest + chunk;
    if (!this.#started && text.length > 0) {
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const consumed = this.#scan(text, false);
    this.#rest = text.slice(consumed);
    if (this.#rest.length > this.#maxRecordChars) {
      throw new CsvSyntaxError(
        `malformed CSV at line ${this.#line}: a record longer than ${this.#maxRecordChars} characters (no line break)`,
      );
    }
  }

  /** Ends the input: emits the last record (a file need not end with a line break). */
  end(): void {
    const text = this.#rest;
    this.#rest = "";
    this.#scan(text, true);
  }

  /**
   * Emits the complete records of `text`; returns how many characters were
   * consumed (up to the start of an incomplete record, unless `final`).
   */
  #scan(text: string, final: boolean): number {
    const n = text.length;
    const delimiter = this.#delimiter;
    let start = 0; // start of the current record
    while (start < n) {
      const line = this.#line;
      let lines = 0; // line breaks inside the record
      const fields: string[] = [];
      let i = start;
      let complete = false;
      let quotedAny = false;
      while (true) {
        // One field starting at i.
        if (i < n && text.charCodeAt(i) === QUOTE) {
          quotedAny = true;
          let value = "";
          let from = i + 1;
          let j = from;
          let closed = false;
          while (j < n) {
            const c = text.charCodeAt(j);
            if (c === QUOTE) {
              if (j + 1 < n && text.charCodeAt(j + 1) === QUOTE) {
                value += text.slice(from, j + 1);
                j += 2;
                from = j;
                continue;
              }
              if (j + 1 >= n && !final) break; // a doubled quote may follow in the next chunk
              value += text.slice(from, j);
              closed = true;
              j++;
              break;
            }
            if (c === LF || (c === CR && text.charCodeAt(j + 1) !== LF)) lines++;
            j++;
          }
          if (!closed) {
            if (final) {
              throw new CsvSyntaxError(
                `malformed CSV at line ${line}: a quoted field is not closed before the end of the input`,
              );
            }
            return start;
          }
          fields.push(value);
          i = j;
          if (i >= n) {
            if (!final) return start;
            complete = true;
            break;
          }
          const c = text.charCodeAt(i);
          if (c === delimiter) {
            i++;
            continue;
          }
          if (c === CR || c === LF) {
            if (c === CR && i + 1 >= n && !final) return start; // CRLF may be split
            i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
            lines++;
            complete = true;
            break;
          }
          throw new CsvSyntaxError(
            `malformed CSV at line ${
              line + lines
            }: a character follows a closing quote in field ${fields.length}`,
          );
        }
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === delimiter || c === CR || c === LF) break;
          if (c === QUOTE) {
            throw new CsvSyntaxError(
              `malformed CSV at line ${line + lines}: a quote inside the unquoted field ${
                fields.length + 1
              }`,
            );
          }
          j++;
        }
        if (j >= n && !final) return start;
        fields.push(text.slice(i, j));
        if (j >= n) {
          i = j;
          complete = true;
          break;
        }
        const c = text.charCodeAt(j);
        if (c === delimiter) {
          i = j + 1;
          continue;
        }
        if (c === CR && j + 1 >= n && !final) return start; // CRLF may be split
        i = j + (c === CR && text.charCodeAt(j + 1) === LF ? 2 : 1);
        lines++;
        complete = true;
        break;
      }
      if (!complete) return start;
      this.#line = line + lines;
      start = i;
      const empty = fields.length === 1 && fields[0] === "" && !quotedAny;
      if (!empty) this.#onRecord({ fields, line });
    }
    return start;
  }
}
