// docker/cli formatter.Context for --format: "table ..." formats get a header row and tabwriter alignment;
// other formats print one rendered line per row.
import { TabWriter } from './tabwriter.js';
import { compileTemplate } from './template.js';

export type HeaderMethod = (...args: string[]) => string;

/** docker/cli SubHeaderContext.Label: the column name for {{.Label "com.example.my-key"}} is "my key". */
function headerLabel(name: string): string {
  const parts = name.split('.');
  return parts[parts.length - 1]!.replace(/[-_]/g, ' ');
}

/** formatter.Context.preFormat: drop "table", trim spaces, turn the two-character `\t` and `\n` into real ones. */
export function prepareFormat(format: string): { table: boolean; text: string } {
  const table = format.startsWith('table');
  const text = (table ? format.slice('table'.length) : format).replace(/^ +| +$/g, '').replace(/\\t|\\n/g, (m) => (m === '\\t' ? '\t' : '\n'));
  return { table, text };
}

/**
 * Renders rows as docker/cli does: each row is the template plus "\n"; a table format first renders the
 * header by executing the same template over `headers` (column names keyed by field, e.g. ID -> "CONTAINER ID")
 * with the header functions, ignoring header errors, and aligns everything with tabwriter(10, 1, 3, ' ').
 * Throws TemplateParseError/TemplateExecError; callers prefix "template parsing error: " as docker does.
 */
export function formatTable(format: string, rows: unknown[], headers: Record<string, string | HeaderMethod>): string {
  const { table, text } = prepareFormat(format);
  const tmpl = compileTemplate(text);
  let body = '';
  for (const row of rows) body += `${tmpl.execute(row)}\n`;
  if (!table) return body;
  const tw = new TabWriter({ minwidth: 10, tabwidth: 1, padding: 3, padchar: ' ' });
  tw.write(tmpl.executeHeader({ Label: headerLabel, ...headers }));
  tw.write('\n');
  tw.write(body);
  return tw.flush();
}
