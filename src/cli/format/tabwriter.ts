// Go's text/tabwriter (elastic tabstops) as docker/cli uses it: cells are tab-terminated, a line's last cell
// is not part of a column, a line without tabs ends the column block. Widths count code points.
// Escapes and HTML filtering are left out: docker never enables them.

export interface TabWriterOptions {
  minwidth?: number;
  tabwidth?: number;
  padding?: number;
  padchar?: string;
  alignRight?: boolean;
  discardEmptyColumns?: boolean;
  /** Print '|' between columns, like tabwriter.Debug. */
  debug?: boolean;
}

interface Cell { text: string; width: number; htab: boolean }

/** docker/cli formatter: tabwriter.NewWriter(out, 10, 1, 3, ' ', 0). */
export const DOCKER_TABLE: Required<TabWriterOptions> = { minwidth: 10, tabwidth: 1, padding: 3, padchar: ' ', alignRight: false, discardEmptyColumns: false, debug: false };

export class TabWriter {
  private readonly o: Required<TabWriterOptions>;
  private lines: Cell[][] = [[]];
  private cell = '';
  private out = '';
  private widths: number[] = [];

  constructor(opts: TabWriterOptions = {}) {
    this.o = { ...DOCKER_TABLE, ...opts };
    if (this.o.padchar === '\t') this.o.alignRight = false;
  }

  write(s: string): void {
    let start = 0;
    for (let i = 0; i < s.length; i++) {
      const ch = s[i]!;
      if (ch !== '\t' && ch !== '\v' && ch !== '\n' && ch !== '\f') continue;
      this.cell += s.slice(start, i);
      start = i + 1;
      const ncells = this.terminateCell(ch === '\t');
      if (ch === '\n' || ch === '\f') {
        this.lines.push([]);
        // A line with a single cell cannot affect later alignment, so Go flushes here (ending the block).
        if (ch === '\f' || ncells === 1) this.flushBuffered();
      }
    }
    this.cell += s.slice(start);
  }

  /** Formats everything buffered and returns all output produced since the last flush. */
  flush(): string {
    this.flushBuffered();
    const out = this.out;
    this.out = '';
    return out;
  }

  private terminateCell(htab: boolean): number {
    const line = this.lines[this.lines.length - 1]!;
    line.push({ text: this.cell, width: [...this.cell].length, htab });
    this.cell = '';
    return line.length;
  }

  private flushBuffered(): void {
    if (this.cell.length > 0) this.terminateCell(false);
    this.format(0, this.lines.length);
    this.lines = [[]];
    this.widths = [];
  }

  private format(line0: number, line1: number): void {
    const column = this.widths.length;
    for (let cur = line0; cur < line1; cur++) {
      if (column >= this.lines[cur]!.length - 1) continue;
      // This line has a cell in this column: print the lines above, then size the column block.
      this.writeLines(line0, cur);
      line0 = cur;
      let width = this.o.minwidth;
      let discardable = true;
      for (; cur < line1; cur++) {
        const line = this.lines[cur]!;
        if (column >= line.length - 1) break;
        const c = line[column]!;
        width = Math.max(width, c.width + this.o.padding);
        if (c.width > 0 || c.htab) discardable = false;
      }
      if (discardable && this.o.discardEmptyColumns) width = 0;
      this.widths.push(width);
      this.format(line0, cur);
      this.widths.pop();
      line0 = cur;
    }
    this.writeLines(line0, line1);
  }

  private writeLines(line0: number, line1: number): void {
    for (let i = line0; i < line1; i++) {
      const line = this.lines[i]!;
      line.forEach((c, j) => {
        if (j > 0 && this.o.debug) this.out += '|';
        const w = this.widths[j];
        if (c.text === '' ) { if (w !== undefined) this.out += this.padding(c.width, w); return; }
        if (!this.o.alignRight) this.out += c.text + (w !== undefined ? this.padding(c.width, w) : '');
        else this.out += (w !== undefined ? this.padding(c.width, w) : '') + c.text;
      });
      // The buffer always ends with one open (empty) line, which gets no newline.
      if (i + 1 < this.lines.length) this.out += '\n';
    }
  }

  private padding(textw: number, cellw: number): string {
    if (this.o.padchar === '\t') {
      if (this.o.tabwidth === 0) return '';
      const cw = Math.ceil(cellw / this.o.tabwidth) * this.o.tabwidth;
      return '\t'.repeat(Math.ceil((cw - textw) / this.o.tabwidth));
    }
    return this.o.padchar.repeat(cellw - textw);
  }
}
