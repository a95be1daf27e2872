// docker version: docker 20.10's template over {Client, Server}, aligned by tabwriter(20, 1, 1, ' ').
import { compileTemplate, GO_TYPE, TabWriter } from '../../format/index.js';
import type { Command, Ctx } from '../../command.js';
import { errorText, StatusError } from '../../command.js';
import type { FlagValues } from '../../flags.js';

const TEMPLATE = `{{- with .Client -}}
Client:{{if ne .Platform.Name ""}} {{.Platform.Name}}{{end}}
 Version:\t{{.Version}}
 API version:\t{{.ApiVersion}}
 Go version:\t{{.GoVersion}}
 Git commit:\t{{.GitCommit}}
 Built:\t{{.BuildTime}}
 OS/Arch:\t{{.Os}}/{{.Arch}}
 Context:\t{{.Context}}
 Experimental:\t{{.Experimental}}
{{- end}}
{{- if .Server}}{{with .Server}}

Server:{{if ne .Platform.Name ""}} {{.Platform.Name}}{{end}}
 {{- range $component := .Components}}
 {{$component.Name}}:
  {{- if eq $component.Name "Engine" }}
  Version:\t{{.Version}}
  API version:\t{{index .Details "ApiVersion"}} (minimum version {{index .Details "MinAPIVersion"}})
  Go version:\t{{index .Details "GoVersion"}}
  Git commit:\t{{index .Details "GitCommit"}}
  Built:\t{{index .Details "BuildTime"}}
  OS/Arch:\t{{index .Details "Os"}}/{{index .Details "Arch"}}
  Experimental:\t{{index .Details "Experimental"}}
  {{- range $key, $value := .Details}}
  {{- if and (ne $key "ApiVersion") (ne $key "MinAPIVersion") (ne $key "GoVersion") (ne $key "GitCommit") (ne $key "BuildTime") (ne $key "Os") (ne $key "Arch") (ne $key "Experimental") (ne $key "KernelVersion")}}
  {{$key}}:\t{{$value}}
  {{- end}}
  {{- end}}
  {{- else }}
  Version:\t{{$component.Version}}
  {{- range $key, $value := .Details}}
  {{$key}}:\t{{$value}}
  {{- end}}
  {{- end}}
 {{- end}}
 {{- end}}{{- end}}`;

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** reformatDate: an RFC 3339 build time printed in Go's time.ANSIC ("Thu May  7 21:09:36 2026"). */
export function ansic(s: string): string {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)/.exec(s);
  if (!m) return s;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!));
  return `${DAYS[d.getUTCDay()]} ${MONTHS[+m[2]! - 1]} ${String(+m[3]!).padStart(2, ' ')} ${m[4]}:${m[5]}:${m[6]} ${m[1]}`;
}

/** The Go field APIVersion beside the JSON key ApiVersion, left out of `{{json .}}` as Go's tag does. */
function withApiVersionField<T extends Record<string | symbol, unknown>>(o: T): T {
  Object.defineProperty(o, 'APIVersion', { get: () => o.ApiVersion, enumerable: false });
  return o;
}

async function run(ctx: Ctx, flags: FlagValues): Promise<number> {
  const client = await ctx.client();
  // docker/cli's versionInfo: Go structs whose JSON says "ApiVersion" but whose template field is APIVersion.
  const info: Record<string | symbol, unknown> = {
    [GO_TYPE]: 'system.versionInfo',
    Client: withApiVersionField({
      [GO_TYPE]: 'system.clientVersion',
      Platform: { Name: '' }, Version: '0.1.0', ApiVersion: '1.41', DefaultAPIVersion: '1.41', GitCommit: 'dev',
      GoVersion: process.version, Os: process.platform, Arch: process.arch === 'x64' ? 'amd64' : process.arch,
      BuildTime: '', Context: 'default', Experimental: true,
    }),
    Server: null,
  };
  let serverErr: unknown;
  try {
    const server = await client.version() as { Components?: Array<{ Details?: Record<string, string> }>; BuildTime?: string };
    for (const c of server.Components ?? []) if (c.Details?.BuildTime) c.Details.BuildTime = ansic(c.Details.BuildTime);
    info.Server = withApiVersionField({ [GO_TYPE]: '*types.Version', ...server });
  } catch (err) {
    serverErr = err;
  }
  const format = flags.format as string | undefined;
  let tmpl;
  try {
    tmpl = compileTemplate(format ?? TEMPLATE, 'version');
  } catch (err) {
    throw new StatusError(`template parsing error: ${(err as Error).message}`, 64);
  }
  // prettyPrintVersion: the output so far and a newline go through the tabwriter, then the error (exit 1).
  const { out, error } = tmpl.executePartial(info);
  const tw = new TabWriter({ minwidth: 20, tabwidth: 1, padding: 1, padchar: ' ' });
  tw.write(`${out}\n`);
  ctx.io.out(tw.flush());
  if (error) throw new StatusError(error.message, 1);
  if (serverErr) throw new StatusError(errorText(serverErr), 1);
  return 0;
}

const command: Command = {
  spec: {
    use: '[OPTIONS]',
    short: 'Show the Docker version information',
    flags: [{ name: 'format', short: 'f', type: 'string', usage: 'Format the output using the given Go template' }],
    args: { kind: 'none' },
  },
  run,
};
export default command;
