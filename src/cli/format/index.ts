// The CLI's output formatting: Go text/template for --format, docker's tables, go-units sizes and durations.
export { compileTemplate, renderTemplate, TemplateParseError, TemplateExecError, type Template } from './template.js';
export { TabWriter, DOCKER_TABLE, type TabWriterOptions } from './tabwriter.js';
export { formatTable, prepareFormat } from './table.js';
export { humanSize, humanSizeWithPrecision, bytesSize, humanDuration } from './units.js';
export { GO_STRINGER, GO_TYPE } from './values.js';
export { goJson, GO_MARSHALER } from './json.js';
